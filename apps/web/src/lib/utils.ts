import { clsx, type ClassValue } from 'clsx';
import { twMerge } from 'tailwind-merge';

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

/** Client-generated id for Idempotency-Key headers and agent commands. */
export function newId(): string {
  return crypto.randomUUID();
}
