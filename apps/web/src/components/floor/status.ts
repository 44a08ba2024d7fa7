import { type PcStatus } from '@econtrol/contracts';

/** Visual language of the floor: color + icon + label, never color alone. */
export const statusStyle: Record<PcStatus, { dot: string; tile: string; text: string; ring: string }> = {
  AVAILABLE: {
    dot: 'bg-pc-available',
    tile: 'border-t-pc-available',
    text: 'text-emerald-700',
    ring: 'bg-emerald-50 border-emerald-200 text-emerald-800',
  },
  OCCUPIED: {
    dot: 'bg-pc-occupied',
    tile: 'border-t-pc-occupied',
    text: 'text-blue-700',
    ring: 'bg-blue-50 border-blue-200 text-blue-800',
  },
  PENDING: {
    dot: 'bg-pc-pending',
    tile: 'border-t-pc-pending',
    text: 'text-amber-700',
    ring: 'bg-amber-50 border-amber-200 text-amber-900',
  },
  RESERVED: {
    dot: 'bg-pc-reserved',
    tile: 'border-t-pc-reserved',
    text: 'text-violet-700',
    ring: 'bg-violet-50 border-violet-200 text-violet-800',
  },
  MAINTENANCE: {
    dot: 'bg-pc-maintenance',
    tile: 'border-t-pc-maintenance',
    text: 'text-slate-600',
    ring: 'bg-slate-100 border-slate-300 text-slate-700',
  },
  OFFLINE: {
    dot: 'bg-pc-offline',
    tile: 'border-t-pc-offline border-dashed',
    text: 'text-rose-700',
    ring: 'bg-rose-50 border-rose-200 text-rose-800',
  },
};
