import { randomInt } from 'node:crypto';
import { guestCodeAlphabet, guestCodeLength } from '@econtrol/contracts';

/** A one-time code a person reads and types: unambiguous characters, shown as XXXX-XXXX. */
export function newShortCode(): string {
  let code = '';
  for (let i = 0; i < guestCodeLength; i++) code += guestCodeAlphabet[randomInt(guestCodeAlphabet.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a person typed, as it is hashed: case, spaces and dashes do not matter. */
export const normalizeShortCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
