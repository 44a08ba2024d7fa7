/** Only same-app paths are accepted as ?next= targets (no open redirects). */
export function safeNext(search: string, fallback = '/'): string {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

export const routes = {
  floor: '/',
  customers: '/customers/',
  customer: '/customers/detail/',
  guestTickets: '/guest-tickets/',
  ledger: '/ledger/',
  shift: '/shift/',
  settings: '/settings/',
  settingsZones: '/settings/zones/',
  settingsPcs: '/settings/pcs/',
  settingsStaff: '/settings/staff/',
  login: '/login/',
  signup: '/signup/',
} as const;

/** Customer page (static export: the id travels in the query string). */
export const customerHref = (id: string): string => `/customers/detail/?id=${encodeURIComponent(id)}`;
