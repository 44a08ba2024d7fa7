import { describe, expect, it } from 'vitest';
import { openingState } from './opening-hours.js';

const lima = 'America/Lima'; // UTC−5, no DST
const at = (iso: string) => Date.parse(iso);

describe('opening hours in the LAN center time zone (S3)', () => {
  const hours = { alwaysOpen: false, days: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '09:00', close: '23:00' })) };

  it('22:45 local (03:45 UTC next day) is open and closes at 23:00 local', () => {
    const state = openingState(hours, lima, at('2026-12-04T03:45:00Z'));
    expect(state).toEqual({ open: true, closesAtMs: at('2026-12-04T04:00:00Z') });
  });

  it('23:30 local is closed', () => {
    expect(openingState(hours, lima, at('2026-12-04T04:30:00Z')).open).toBe(false);
  });

  it('windows past midnight close the next local day', () => {
    const late = { alwaysOpen: false, days: [{ day: 4, open: '14:00', close: '02:00' }] }; // Thursday
    // Friday 01:30 Lima = Friday 06:30 UTC
    expect(openingState(late, lima, at('2026-12-04T06:30:00Z'))).toEqual({ open: true, closesAtMs: at('2026-12-04T07:00:00Z') });
    expect(openingState(late, lima, at('2026-12-04T07:30:00Z')).open).toBe(false);
  });

  it('always open has no closing time', () => {
    expect(openingState({ alwaysOpen: true, days: [] }, lima, Date.now())).toEqual({ open: true, closesAtMs: null });
  });
});
