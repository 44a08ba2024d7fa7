import { zonedParts, zonedTimeToMs } from '@econtrol/billing';

export interface OpeningHours {
  alwaysOpen: boolean;
  days: { day: number; open: string; close: string }[];
}

const hm = (text: string) => text.split(':').map(Number) as [number, number];

/**
 * Whether the LAN center is open at `nowMs` in its time zone, and when the current opening ends.
 * A window whose close ≤ open ends the next local day (e.g. 14:00–02:00).
 */
export function openingState(hours: OpeningHours, timezone: string, nowMs: number): { open: boolean; closesAtMs: number | null } {
  if (hours.alwaysOpen || hours.days.length === 0) return { open: true, closesAtMs: null };
  let best: number | null = null;
  for (const offsetDays of [-1, 0]) {
    const local = zonedParts(nowMs + offsetDays * 86_400_000, timezone);
    for (const window of hours.days) {
      if (window.day !== local.weekday) continue;
      const [oh, om] = hm(window.open);
      const [ch, cm] = hm(window.close);
      const start = zonedTimeToMs(timezone, { year: local.year, month: local.month, day: local.day, hour: oh, minute: om });
      const wraps = ch * 60 + cm <= oh * 60 + om;
      const closeDay = wraps ? zonedParts(start + 86_400_000, timezone) : local;
      const end = zonedTimeToMs(timezone, { year: closeDay.year, month: closeDay.month, day: closeDay.day, hour: ch, minute: cm });
      if (nowMs >= start && nowMs < end) best = Math.max(best ?? 0, end);
    }
  }
  return best === null ? { open: false, closesAtMs: null } : { open: true, closesAtMs: best };
}
