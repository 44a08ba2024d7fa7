import { AppError } from '../common/app-error.js';

/** The violated constraint's name when `error` is a unique violation (23505), else null. */
export function uniqueViolation(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const candidate = e as { code?: string; constraint?: string; detail?: string; message?: string };
    if (candidate.code === '23505')
      return candidate.constraint ?? candidate.detail ?? candidate.message ?? 'unique';
  }
  return null;
}

/** The violated check constraint's name (23514), else null. */
export function checkViolation(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const candidate = e as { code?: string; constraint?: string };
    if (candidate.code === '23514') return candidate.constraint ?? 'check';
  }
  return null;
}

/** Maps a duplicate email/username on the users table to its stable error; rethrows anything else. */
export function rethrowUserUnique(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint?.includes('email')) throw new AppError('EMAIL_TAKEN');
  if (constraint?.includes('username')) throw new AppError('USERNAME_TAKEN');
  throw error;
}
