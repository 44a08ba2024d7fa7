/** Thrown for any invalid input to the billing engine (never for a valid but unusual case). */
export class BillingInputError extends Error {
  readonly code = 'BILLING_INVALID_INPUT';

  constructor(message: string) {
    super(message);
    this.name = 'BillingInputError';
  }
}
