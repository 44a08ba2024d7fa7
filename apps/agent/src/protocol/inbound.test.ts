/**
 * The agent's hand-written checks against the contracts' zod schemas: same verdict and, when
 * accepted, the same value, on valid messages and on thousands of mutations of them (keys removed,
 * unknown keys added, arrays resized, values replaced by boundary values harvested from the zod
 * schemas).
 */
import {
  agentCommandSchema,
  agentConfigSchema,
  agentEnrollResponseSchema,
  agentEventSchema,
  agentLoginRequestSchema,
  agentLoginResponseSchema,
  agentSyncAckSchema,
  agentTokenResponseSchema,
  agentWelcomeSchema,
  errorCodeSchema,
} from '@econtrol/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { check, type Check } from './check.js';
import {
  agentCommand,
  agentConfig,
  agentEnrollResponse,
  agentLoginRequest,
  agentLoginResponse,
  agentSyncAck,
  agentTokenResponse,
  agentWelcome,
  extendRequest,
  isErrorCode,
  orderRequest,
} from './inbound.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const base = (n: number) => ({ commandId: id(n), serverNowMs: 1_700_000_000_000 });
const tariff = {
  timezone: 'America/Lima',
  ratePerHourMinor: 300,
  memberRatePerHourMinor: 250,
  rules: [
    {
      id: 'night',
      name: 'Noche',
      days: [0, 6],
      start: '22:00',
      end: '06:00',
      ratePerHourMinor: 200,
      discountPercent: 10,
    },
  ],
  granularity: 'second',
  minimumChargeMinor: 0,
};
const packages = [
  { id: 'pk1', secondsRemaining: 3600, days: [1, 2], start: '08:00', end: '12:00', expiresAtMs: 1_800_000_000_000 },
];
const config = {
  heartbeatIntervalSec: 30,
  locale: 'en',
  currency: 'USD',
  lanCenterName: 'Arena',
  pcName: 'PC-07',
  timezone: 'UTC',
  guard: { blockList: [' cheat.exe '], allowList: ['explorer.exe'], enforceAllowListWhenLocked: false },
  shopProducts: [{ id: id(9), name: 'Agua', priceMinor: 150, category: 'Bebidas', available: true }],
  zoneTable: {
    timeZone: 'America/Santiago',
    fromMs: 1_704_067_200_000,
    toMs: 1_767_225_600_000,
    offsets: [
      [1_704_067_200_000, -10_800],
      [1_712_458_800_000, -14_400],
    ],
  },
};

const commands: unknown[] = [
  {
    ...base(1),
    type: 'session.start',
    sessionId: id(2),
    customer: { id: id(3), displayName: 'Luis', member: true },
    tariff,
    balanceMinor: 5000,
    packages,
    limits: { endsAtMs: 1_700_000_100_000, endReason: 'closing_time', maxSeconds: 7200, prepaidSeconds: 3600 },
    postpaid: true,
    free: { grantedBy: id(4), reason: 'cumpleaños', endsAtMs: 1_700_000_200_000 },
  },
  {
    ...base(1),
    type: 'session.start',
    sessionId: id(2),
    customer: { id: null, displayName: 'Invitado', member: false },
    tariff,
    balanceMinor: 500,
  },
  {
    ...base(1),
    type: 'session.start',
    sessionId: id(2),
    customer: { id: null, displayName: 'Invitado', member: false },
    tariff,
    balanceMinor: 0,
    limits: { maxSeconds: 7200, prepaidSeconds: 60 },
    postpaid: true,
  },
  { ...base(5), type: 'session.end', sessionId: id(2), reason: 'balance_out' },
  { ...base(5), type: 'session.end', sessionId: id(2) },
  { ...base(6), type: 'session.extend', sessionId: id(2), balanceMinor: 100, packages, limits: { maxSeconds: 60 } },
  { ...base(6), type: 'session.extend', sessionId: id(2) },
  { ...base(7), type: 'session.pause', sessionId: id(2) },
  { ...base(8), type: 'session.resume', sessionId: id(2) },
  { ...base(9), type: 'pc.lock', message: 'Mantenimiento' },
  { ...base(10), type: 'pc.unlock', reason: '  limpieza  ' },
  { ...base(11), type: 'pc.message', text: ' Hola ', from: 'Caja' },
  { ...base(12), type: 'pc.shutdown' },
  { ...base(13), type: 'pc.restart' },
  { ...base(14), type: 'config.update', config },
  { ...base(15), type: 'config.update', config: {} },
];

const cases: { name: string; mine: Check<unknown>; zod: z.ZodType; samples: unknown[] }[] = [
  { name: 'command', mine: agentCommand, zod: agentCommandSchema, samples: commands },
  {
    name: 'welcome',
    mine: agentWelcome,
    zod: agentWelcomeSchema,
    samples: [
      { serverNowMs: 1, pcId: id(1), config, activeSessionId: id(2) },
      { serverNowMs: 0, pcId: id(1), config: {}, activeSessionId: null },
    ],
  },
  { name: 'config', mine: agentConfig, zod: agentConfigSchema, samples: [config, {}, { guard: {} }] },
  {
    name: 'sync ack',
    mine: agentSyncAck,
    zod: agentSyncAckSchema,
    samples: [
      {
        batchId: id(1),
        serverNowMs: 5,
        results: [
          { eventId: id(2), ok: true },
          { eventId: id(3), ok: true, duplicate: true },
          { eventId: id(4), ok: false, code: 'VALIDATION_FAILED', retryable: false, message: 'bad' },
          { eventId: id(5), ok: false, code: 'SERVICE_UNAVAILABLE', retryable: true },
        ],
      },
      { batchId: id(1), serverNowMs: 5, results: [] },
    ],
  },
  {
    name: 'enroll answer',
    mine: agentEnrollResponse,
    zod: agentEnrollResponseSchema,
    samples: [{ pcId: id(1), lanCenterId: id(2), organizationId: id(3), deviceId: id(4), deviceSecret: 's'.repeat(43) }],
  },
  {
    name: 'token answer',
    mine: agentTokenResponse,
    zod: agentTokenResponseSchema,
    samples: [{ accessToken: 'eyJhbGciOi.x.y', expiresAt: '2026-01-01T00:00:00Z' }],
  },
  {
    name: 'login answer',
    mine: agentLoginResponse,
    zod: agentLoginResponseSchema,
    samples: [{ sessionId: id(1), displayName: 'Luis' }],
  },
  {
    name: 'login request',
    mine: agentLoginRequest,
    zod: agentLoginRequestSchema,
    samples: [
      { kind: 'account', username: 'ana', password: 'clave-segura' },
      { kind: 'guest', code: 'ABC123' },
    ],
  },
];

/** Local API bodies: the zod schemas the agent used before (kept here as the reference). */
const localBodies: { name: string; mine: Check<unknown>; zod: z.ZodType; samples: unknown[] }[] = [
  {
    name: 'extend body',
    mine: extendRequest,
    zod: z.object({ minutes: z.int().min(1).max(24 * 60) }),
    samples: [{ minutes: 30 }],
  },
  {
    name: 'order body',
    mine: orderRequest,
    zod: z.object({
      items: z
        .array(z.object({ productId: z.uuid(), quantity: z.int().min(1).max(99) }))
        .min(1)
        .max(50),
      note: z.string().max(300).optional(),
    }),
    samples: [{ items: [{ productId: id(1), quantity: 2 }], note: 'sin hielo' }, { items: [{ productId: id(1), quantity: 1 }] }],
  },
];

// ───────────────────────── boundary values from the zod schemas ─────────────────────────

interface ZodDef {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  innerType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
  options?: { _zod: { def: ZodDef } }[];
  entries?: Record<string, string>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: number; minimum?: number; maximum?: number } } }[];
}

/** Literal values, numeric limits ±1 and strings at length limits ±1 found anywhere in a schema. */
function harvest(schema: z.ZodType, out: Set<unknown>): void {
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  for (const v of Object.values(def.entries ?? {})) out.add(v);
  for (const v of def.values ?? []) out.add(v);
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (typeof d.value === 'number') for (const k of [-1, 0, 1]) out.add(d.value + k);
    for (const n of [d.minimum, d.maximum]) {
      if (typeof n !== 'number') continue;
      for (const len of [n - 1, n, n + 1]) {
        if (len < 0) continue;
        out.add('a'.repeat(len));
        out.add(` ${'a'.repeat(Math.max(0, len - 2))} `);
      }
    }
  }
  const children = [
    ...Object.values(def.shape ?? {}),
    ...(def.innerType ? [def.innerType] : []),
    ...(def.element ? [def.element] : []),
    ...(def.options ?? []),
  ];
  for (const child of children) harvest(child as unknown as z.ZodType, out);
}

const commonLeaves: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  2 ** 53 - 1,
  '',
  ' ',
  'x',
  [],
  {},
  [1],
  id(77),
  id(77).toUpperCase(),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-8000-000000000001',
  '00000000-0000-4000-7000-000000000001',
  `${id(77)}x`,
  'UTC',
  'America/Lima',
  'Etc/GMT+5',
  'America/Buenos_Aires',
  'Asia/Calcutta',
  'america/lima',
  'Mars/Base',
  '00:00',
  '23:59',
  '24:00',
  '9:00',
  'pc.selfdestruct',
  '__proto__',
  'constructor',
  'toString',
];

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function parentOf(root: { v: unknown }, path: Path): [Record<string | number, unknown>, string | number] {
  let cur: unknown = root;
  const full: Path = ['v', ...path];
  for (const key of full.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[key];
  return [cur as Record<string | number, unknown>, full.at(-1) as string | number];
}

/** Applies one mutation chosen by three numbers; returns the new root value. */
function mutate(value: unknown, leaves: unknown[], [a, b, c]: [number, number, number]): unknown {
  const root = { v: value };
  const all = paths(value);
  const path = all[a % all.length] as Path;
  const [parent, key] = parentOf(root, path);
  const target = parent[key];
  const leaf = (): unknown => structuredClone(leaves[c % leaves.length]);
  switch (b % 5) {
    case 0:
      parent[key] = leaf();
      break;
    case 1:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 2:
      if (typeof target === 'object' && target !== null && !Array.isArray(target))
        (target as Record<string, unknown>)[`extra${c % 3}`] = leaf();
      else parent[key] = undefined;
      break;
    case 3:
      if (Array.isArray(target) && target.length > 0)
        for (let i = 0; i < [1, 7, 50, 500][c % 4]!; i++) target.push(structuredClone(target[0]));
      else parent[key] = [];
      break;
    default:
      if (typeof target === 'string') parent[key] = [` ${target} `, target.repeat(40), '   '][c % 3];
      else if (typeof target === 'number') parent[key] = [target + 1, target - 1, -target, target * 1e6][c % 4];
      else parent[key] = leaf();
  }
  return root.v;
}

/** `input` must be a fresh value (neither side may see what the other did to it). */
function sameVerdict(mine: Check<unknown>, schema: z.ZodType, input: unknown): void {
  const expected = schema.safeParse(input);
  const got = check(mine, input);
  expect(got.ok, `${JSON.stringify(input)}\n${expected.error?.message ?? ''}`).toBe(expected.success);
  if (got.ok && expected.success) expect(got.value).toStrictEqual(expected.data);
}

/** Every single-point change of a sample: each node replaced by each leaf of a fitting kind, removed, or resized. */
function* singleChanges(sample: unknown, leaves: Leaves): Generator<unknown> {
  for (const path of paths(sample)) {
    const edit = (fn: (parent: Record<string | number, unknown>, key: string | number) => void): unknown => {
      const root = { v: structuredClone(sample) };
      const [parent, key] = parentOf(root, path);
      fn(parent, key);
      return root.v;
    };
    const current = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], sample);
    const kind = typeof current === 'string' ? leaves.strings : typeof current === 'number' ? leaves.numbers : [];
    for (const leaf of [...kind, ...leaves.others]) yield edit((parent, key) => (parent[key] = structuredClone(leaf)));
    yield edit((parent, key) => {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    });
    if (Array.isArray(current) && current.length > 0) {
      for (const n of [7, 8, 50, 51, 500, 501])
        yield edit((parent, key) => (parent[key] = Array.from({ length: n }, () => structuredClone(current[0]))));
    }
    if (typeof current === 'object' && current !== null && !Array.isArray(current))
      yield edit((parent, key) => ((parent[key] as Record<string, unknown>).extra = 1));
  }
}

interface Leaves {
  all: unknown[];
  strings: string[];
  numbers: number[];
  /** Neither strings nor numbers, plus a few of each. */
  others: unknown[];
}

const allLeaves: Leaves = (() => {
  const found = new Set<unknown>(commonLeaves);
  for (const c of [...cases, ...localBodies]) harvest(c.zod, found);
  harvest(agentEventSchema, found);
  const all = [...found];
  const strings = all.filter((v): v is string => typeof v === 'string');
  const numbers = all.filter((v): v is number => typeof v === 'number');
  const others = [
    ...all.filter((v) => typeof v !== 'string' && typeof v !== 'number'),
    '',
    'x',
    0,
    1,
    -1,
    1.5,
  ];
  return { all, strings, numbers, others };
})();

describe('inbound checks agree with the contracts (zod)', () => {
  for (const c of [...cases, ...localBodies]) {
    it(`${c.name}: valid samples, and mutations of them`, () => {
      const leaves = allLeaves;
      for (const s of c.samples) {
        expect(check(c.mine, s).ok).toBe(true);
        for (const changed of singleChanges(s, leaves)) sameVerdict(c.mine, c.zod, changed);
      }
      fc.assert(
        fc.property(
          fc.nat(c.samples.length - 1),
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
          (which, ops) => {
            let v: unknown = structuredClone(c.samples[which]);
            for (const op of ops) v = mutate(v, leaves.all, op);
            sameVerdict(c.mine, c.zod, v);
          },
        ),
        { numRuns: 500 },
      );
    });
  }

  it('error codes: exactly the contracts list', () => {
    for (const code of errorCodeSchema.options) expect(isErrorCode(code)).toBe(true);
    for (const v of ['validation_failed', 'NOPE', '', null, 1, undefined, 'toString']) expect(isErrorCode(v)).toBe(false);
  });
});

describe('inbound checks', () => {
  it('refuses an unknown command type with a message naming the field', () => {
    const r = check(agentCommand, { ...base(1), type: 'pc.selfdestruct' });
    expect(r).toEqual({ ok: false, message: 'type: unknown value' });
    expect(check(agentCommand, null)).toEqual({ ok: false, message: 'expected an object' });
    expect(check(agentCommand, { ...base(1) }).ok).toBe(false);
  });

  it('applies the contracts defaults, fresh each time', () => {
    const a = check(agentConfig, {});
    const b = check(agentConfig, {});
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.value).toEqual(agentConfigSchema.parse({}));
    expect(a.value.guard).not.toBe(b.value.guard);
    a.value.guard.blockList.push('x');
    expect(b.value.guard.blockList).toEqual([]);
  });

  it('names the offending path; trims where the contract trims', () => {
    expect(check(agentConfig, { guard: { blockList: ['ok', ' '] } })).toEqual({
      ok: false,
      message: 'guard.blockList[1]: at least 1 characters',
    });
    const unlock = check(agentCommand, { ...base(1), type: 'pc.unlock', reason: '  limpieza ' });
    expect(unlock.ok && unlock.value.type === 'pc.unlock' && unlock.value.reason).toBe('limpieza');
    expect(check(agentLoginRequest, { kind: 'account', username: 'ana', password: '  ' })).toEqual({
      ok: false,
      message: 'password: cannot be blank',
    });
  });

  it('refuses an unbounded postpaid session', () => {
    const start = commands[1] as Record<string, unknown>;
    expect(check(agentCommand, { ...start, postpaid: true }).ok).toBe(false);
    expect(check(agentCommand, { ...start, postpaid: true, limits: { maxSeconds: 60 } }).ok).toBe(true);
  });
});
