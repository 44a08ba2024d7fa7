import { describe, expect, it } from 'vitest';
import { array, check, int, num, object, optional, str, union, withDefault, literal } from './check.js';

describe('checks', () => {
  it('objects drop unknown keys, keep an explicit undefined of an optional key, apply defaults', () => {
    const c = object({ a: optional(int()), b: withDefault(str(), () => 'x') });
    expect(check(c, { a: 1, b: 'y', extra: true })).toEqual({ ok: true, value: { a: 1, b: 'y' } });
    const explicit = check(c, { a: undefined });
    expect(explicit.ok && Object.keys(explicit.value)).toEqual(['a', 'b']);
    const absent = check(c, {});
    expect(absent.ok && Object.keys(absent.value)).toEqual(['b']);
    expect(check(c, [])).toEqual({ ok: false, message: 'expected an object' });
    expect(check(c, null)).toEqual({ ok: false, message: 'expected an object' });
  });

  it('integers are safe integers, numbers are finite', () => {
    expect(check(int(), 2 ** 53 - 1).ok).toBe(true);
    expect(check(int(), 2 ** 53).ok).toBe(false);
    expect(check(int(), 1.5).ok).toBe(false);
    expect(check(int(0, 10), 11)).toEqual({ ok: false, message: 'must be ≤ 10' });
    expect(check(num(0), Number.POSITIVE_INFINITY).ok).toBe(false);
    expect(check(num(0), Number.NaN).ok).toBe(false);
    expect(check(num(0), 0.5)).toEqual({ ok: true, value: 0.5 });
  });

  it('trims before measuring; notBlank refuses whitespace without trimming', () => {
    expect(check(str({ trim: true, min: 1, max: 3 }), '  abc  ')).toEqual({ ok: true, value: 'abc' });
    expect(check(str({ trim: true, min: 1 }), '   ').ok).toBe(false);
    expect(check(str({ notBlank: true }), ' a ')).toEqual({ ok: true, value: ' a ' });
    expect(check(str({ notBlank: true }), ' \t ').ok).toBe(false);
  });

  it('arrays check their size and every item, naming the path', () => {
    const c = object({ list: array(int(0), { max: 2 }) });
    expect(check(c, { list: [1, -1] })).toEqual({ ok: false, message: 'list[1]: must be ≥ 0' });
    expect(check(c, { list: [1, 2, 3] })).toEqual({ ok: false, message: 'list: at most 2 items' });
  });

  it('unions pick by tag and never by inherited keys', () => {
    const c = union('kind', {
      a: object({ kind: literal('a') }),
      b: object({ kind: literal('b'), n: int() }),
    });
    expect(check(c, { kind: 'b', n: 2 })).toEqual({ ok: true, value: { kind: 'b', n: 2 } });
    expect(check(c, { kind: 'toString' })).toEqual({ ok: false, message: 'kind: unknown value' });
    expect(check(c, { kind: '__proto__' }).ok).toBe(false);
  });
});
