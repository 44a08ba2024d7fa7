import type { ErrorCode, FieldError } from '@econtrol/contracts';

/** The only error type services throw on purpose; the filter maps its code to status and messages. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
    readonly fields?: FieldError[],
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = (entity: string) => new AppError('NOT_FOUND', { entity });
