import { describe, expect, it } from 'vitest';
import { redact } from './error.filter.js';

describe('redact: unexpected errors are logged without query parameters', () => {
  it('drops the SQL and its params (password hashes, names) but keeps type and code', () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const error = Object.assign(new Error('Failed query: insert into "users" ("password_hash") values ($1)\nparams: $argon2id$v=19$m=19456,Ana'), {
      name: 'DrizzleQueryError',
      cause,
    });
    const logged = JSON.stringify(redact(error));
    expect(logged).not.toContain('argon2id');
    expect(logged).not.toContain('Ana');
    expect(redact(error)).toMatchObject({ type: 'DrizzleQueryError', code: '22021', message: 'database query failed' });
  });
});
