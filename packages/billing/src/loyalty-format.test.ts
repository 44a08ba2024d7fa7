import { describe, expect, it } from 'vitest';
import { BillingInputError, currencyMinorDigits, formatMinor, loyaltyPoints } from './index.js';

describe('loyaltyPoints', () => {
  it('floors once on the exact product', () => {
    expect(loyaltyPoints(250, { pointsPerUnit: 1, unitMinor: 100 })).toBe(2);
    expect(loyaltyPoints(250, { pointsPerUnit: 10, unitMinor: 100 })).toBe(25);
    expect(loyaltyPoints(250, { pointsPerUnit: 1, unitMinor: 100, tierMultiplierPercent: 150 })).toBe(3); // 3.75
    expect(loyaltyPoints(99, { pointsPerUnit: 1, unitMinor: 100 })).toBe(0);
    expect(loyaltyPoints(0, { pointsPerUnit: 5, unitMinor: 100 })).toBe(0);
  });

  it('rejects bad input', () => {
    expect(() => loyaltyPoints(-1, { pointsPerUnit: 1, unitMinor: 100 })).toThrow(BillingInputError);
    expect(() => loyaltyPoints(100, { pointsPerUnit: 1, unitMinor: 0 })).toThrow(BillingInputError);
    expect(() => loyaltyPoints(100, { pointsPerUnit: 1.5, unitMinor: 100 })).toThrow(BillingInputError);
  });
});

describe('formatMinor', () => {
  it('uses the currency minor digits of Intl', () => {
    expect(currencyMinorDigits('PEN')).toBe(2);
    expect(currencyMinorDigits('CLP')).toBe(0);
    expect(formatMinor(1050, 'PEN', 'es-PE')).toBe('S/\u00a010.50');
    expect(formatMinor(5, 'PEN', 'en-US')).toBe('PEN\u00a00.05');
    expect(formatMinor(1500, 'CLP', 'es-CL')).toBe('$1.500'); // CLP minor unit = 1 peso
    expect(formatMinor(-250, 'USD', 'en-US')).toBe('-$2.50');
    expect(formatMinor(Number.MAX_SAFE_INTEGER, 'USD', 'en-US')).toBe('$90,071,992,547,409.91');
  });

  it('rejects bad input', () => {
    expect(() => formatMinor(1.5, 'PEN', 'es-PE')).toThrow(BillingInputError);
    expect(() => formatMinor(1, 'NOPE1', 'es-PE')).toThrow(BillingInputError);
  });
});
