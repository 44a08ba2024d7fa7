/**
 * Where the API lives. Empty (default) = same origin: the Nest server serves this static export
 * and answers /api/v1 and /socket.io itself. Set NEXT_PUBLIC_API_URL (e.g. https://api.example.com)
 * at build time to host the console apart from the API (the API must then allow this origin with
 * credentials, and cookies must be SameSite=None; Secure).
 */
export const API_ORIGIN: string = (process.env.NEXT_PUBLIC_API_URL ?? '').replace(/\/+$/, '');
export const API_BASE = `${API_ORIGIN}/api/v1`;
/** Socket.IO endpoint: same origin unless NEXT_PUBLIC_API_URL is set. */
export const SOCKET_ORIGIN: string | undefined = API_ORIGIN || undefined;

export const STORAGE_KEYS = {
  locale: 'ec_locale',
  lanCenter: 'ec_lan_center',
  csrf: 'ec_csrf',
} as const;
