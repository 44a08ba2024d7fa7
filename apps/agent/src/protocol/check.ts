/**
 * Small validators for what the agent receives (server messages, local API bodies). The zod
 * schemas of @econtrol/contracts cost the agent ~7 MB of RSS on the gamer's PC; these follow the
 * same rules (inbound.test.ts runs both on the same inputs), with zod's semantics: unknown keys
 * are dropped, `.default()` applies to `undefined`, `trim` rewrites the string before its length
 * checks, integers are safe integers and numbers are finite.
 */
export type Check<T> = ((value: unknown, path: string) => T) & { optional?: true };
type OptionalCheck<T> = Check<T | undefined> & { optional: true };
export type Checked<C> = C extends Check<infer T> ? T : never;

export class CheckError extends Error {}

function fail(path: string, problem: string): never {
  throw new CheckError(path ? `${path}: ${problem}` : problem);
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Runs a check without throwing. */
export function check<T>(c: Check<T>, value: unknown): CheckResult<T> {
  try {
    return { ok: true, value: c(value, '') };
  } catch (error) {
    if (error instanceof CheckError) return { ok: false, message: error.message };
    throw error;
  }
}

export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail(p, 'expected an integer');
    if (v < min) return fail(p, `must be ≥ ${min}`);
    if (v > max) return fail(p, `must be ≤ ${max}`);
    return v;
  };
}

export function num(min = -Infinity): Check<number> {
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(p, 'expected a number');
    return v < min ? fail(p, `must be ≥ ${min}`) : v;
  };
}

export interface StringRules {
  /** Trims first; the other rules see the trimmed string, which is also the result. */
  trim?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Refuses an empty or whitespace-only value (without trimming it). */
  notBlank?: boolean;
}

export function str(rules: StringRules = {}): Check<string> {
  return (v, p) => {
    if (typeof v !== 'string') return fail(p, 'expected a string');
    const s = rules.trim ? v.trim() : v;
    if (rules.min !== undefined && s.length < rules.min) return fail(p, `at least ${rules.min} characters`);
    if (rules.max !== undefined && s.length > rules.max) return fail(p, `at most ${rules.max} characters`);
    if (rules.pattern && !rules.pattern.test(s)) return fail(p, 'invalid format');
    if (rules.notBlank && s.trim().length === 0) return fail(p, 'cannot be blank');
    return s;
  };
}

/** zod's `z.uuid()`: RFC 9562 variants plus the nil and max UUIDs. */
const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
export const uuid: Check<string> = str({ pattern: UUID });

export const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'expected a boolean'));

export function literal<const T extends string | boolean>(value: T): Check<T> {
  return (v, p) => (v === value ? value : fail(p, `expected ${JSON.stringify(value)}`));
}

export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  return (v, p) =>
    typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fail(p, 'unknown value');
}

export function nullable<T>(c: Check<T>): Check<T | null> {
  return (v, p) => (v === null ? null : c(v, p));
}

/** May be absent (or `undefined`). */
export function optional<T>(c: Check<T>): OptionalCheck<T> {
  return Object.assign((v: unknown, p: string) => (v === undefined ? undefined : c(v, p)), {
    optional: true as const,
  });
}

/** `undefined` becomes `make()` (a fresh value each time). */
export function withDefault<T>(c: Check<T>, make: () => NoInfer<T>): Check<T> {
  return (v, p) => (v === undefined ? make() : c(v, p));
}

export function refine<T>(c: Check<T>, ok: (value: T) => boolean, problem: string): Check<T> {
  return (v, p) => {
    const value = c(v, p);
    return ok(value) ? value : fail(p, problem);
  };
}

export function array<T>(item: Check<T>, size: { min?: number; max?: number } = {}): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'expected an array');
    if (size.min !== undefined && v.length < size.min) return fail(p, `at least ${size.min} items`);
    if (size.max !== undefined && v.length > size.max) return fail(p, `at most ${size.max} items`);
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) out.push(item(v[i], `${p}[${i}]`));
    return out;
  };
}

/** A two-item array (zod's `z.tuple([a, b])`). */
export function pair<A, B>(a: Check<A>, b: Check<B>): Check<[A, B]> {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'expected an array');
    if (v.length !== 2) return fail(p, 'expected 2 items');
    return [a(v[0], `${p}[0]`), b(v[1], `${p}[1]`)];
  };
}

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Out<S extends Shape> = {
  [K in Exclude<keyof S, OptionalKeys<S>>]: Checked<S[K]>;
} & { [K in OptionalKeys<S>]?: Checked<S[K]> };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const join = (p: string, key: string): string => (p ? `${p}.${key}` : key);

/** An object with these keys; other keys are dropped. */
export function object<S extends Shape>(shape: S): Check<Out<S>> {
  const keys = Object.keys(shape);
  return (v, p) => {
    if (!isRecord(v)) return fail(p, 'expected an object');
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const c = shape[key] as Check<unknown>;
      const value = v[key];
      if (value === undefined && c.optional) {
        if (key in v) out[key] = undefined;
        continue;
      }
      out[key] = c(value, join(p, key));
    }
    return out as Out<S>;
  };
}

/** One of several object checks, picked by the string value of `key` (zod's discriminatedUnion). */
export function union<M extends Record<string, Check<unknown>>>(key: string, options: M): Check<Checked<M[keyof M]>> {
  const byTag = new Map<unknown, Check<unknown>>(Object.entries(options));
  return (v, p) => {
    if (!isRecord(v)) return fail(p, 'expected an object');
    const c = byTag.get(v[key]);
    if (!c) return fail(join(p, key), 'unknown value');
    return c(v, p) as Checked<M[keyof M]>;
  };
}
