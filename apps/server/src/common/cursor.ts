import { AppError } from './app-error.js';

/** Opaque keyset cursor: base64url of [timestamp ms, id]. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.getTime(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof ms !== 'number' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
      throw new Error('bad');
    return { at: new Date(ms), id };
  } catch {
    throw new AppError('VALIDATION_FAILED', undefined, [
      { path: 'cursor', code: 'invalid_cursor', message: 'Invalid cursor' },
    ]);
  }
}
