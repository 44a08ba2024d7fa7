import { z } from 'zod';

/** Stable error codes. Never rename one: clients match on them. */
export const errorCodes = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'TOKEN_INVALID',
  'TOKEN_REUSED',
  'CSRF_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'EMAIL_TAKEN',
  'USERNAME_TAKEN',
  'SLUG_TAKEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'INSUFFICIENT_BALANCE',
  'REFUND_EXCEEDS_ORIGINAL',
  'SHIFT_NOT_OPEN',
  'SHIFT_ALREADY_OPEN',
  'SHIFT_NOT_OWNED',
  'PC_IN_USE',
  'PC_UNREACHABLE',
  'PC_NOT_AVAILABLE',
  'PC_REVOKED',
  'SESSION_ALREADY_ENDED',
  'SESSION_NOT_ACTIVE',
  'FREE_SESSION_NOT_ALLOWED',
  'TARIFF_NOT_CONFIGURED',
  'PAIRING_CODE_INVALID',
  'LAN_CLOSED',
  'SESSION_NOT_SETTLED',
  'AGENT_UPGRADE_REQUIRED',
  'OUT_OF_STOCK',
  'GUEST_TICKET_CLOSED',
  'GUEST_TICKET_IN_USE',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
export const errorCodeSchema = z.enum(errorCodes);

export interface ErrorDefinition {
  status: number;
  es: string;
  en: string;
}

/** The one place where each code gets its HTTP status and human messages. */
export const errorCatalog: Record<ErrorCode, ErrorDefinition> = {
  VALIDATION_FAILED: { status: 400, es: 'Datos inválidos.', en: 'Invalid data.' },
  BAD_REQUEST: { status: 400, es: 'Solicitud incorrecta.', en: 'Bad request.' },
  UNAUTHENTICATED: { status: 401, es: 'Inicia sesión para continuar.', en: 'Please sign in.' },
  INVALID_CREDENTIALS: {
    status: 401,
    es: 'Usuario o contraseña incorrectos.',
    en: 'Wrong username or password.',
  },
  ACCOUNT_LOCKED: {
    status: 423,
    es: 'Cuenta bloqueada temporalmente por demasiados intentos fallidos.',
    en: 'Account temporarily locked after too many failed attempts.',
  },
  TOKEN_INVALID: { status: 401, es: 'Sesión inválida o vencida.', en: 'Invalid or expired token.' },
  TOKEN_REUSED: {
    status: 401,
    es: 'Se detectó el reuso de una sesión; vuelve a iniciar sesión.',
    en: 'Token reuse detected; please sign in again.',
  },
  CSRF_FAILED: { status: 403, es: 'Falta el token CSRF o no coincide.', en: 'Missing or wrong CSRF token.' },
  FORBIDDEN: {
    status: 403,
    es: 'No tienes permiso para esta acción.',
    en: 'You are not allowed to do this.',
  },
  NOT_FOUND: { status: 404, es: 'No encontrado.', en: 'Not found.' },
  CONFLICT: {
    status: 409,
    es: 'El recurso cambió o ya existe.',
    en: 'The resource changed or already exists.',
  },
  EMAIL_TAKEN: { status: 409, es: 'Ese correo ya está registrado.', en: 'That email is already registered.' },
  USERNAME_TAKEN: { status: 409, es: 'Ese usuario ya existe.', en: 'That username is taken.' },
  SLUG_TAKEN: { status: 409, es: 'Ese identificador ya está en uso.', en: 'That slug is already in use.' },
  RATE_LIMITED: {
    status: 429,
    es: 'Demasiadas solicitudes; espera un momento.',
    en: 'Too many requests; please wait.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, es: 'La solicitud es demasiado grande.', en: 'Request too large.' },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    es: 'Falta la cabecera Idempotency-Key.',
    en: 'The Idempotency-Key header is required.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    es: 'Esa Idempotency-Key ya se usó con otros datos.',
    en: 'That Idempotency-Key was already used with a different body.',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    es: 'Una solicitud con esa Idempotency-Key está en curso.',
    en: 'A request with that Idempotency-Key is in progress.',
  },
  INSUFFICIENT_BALANCE: { status: 402, es: 'Saldo insuficiente.', en: 'Insufficient balance.' },
  REFUND_EXCEEDS_ORIGINAL: {
    status: 422,
    es: 'La devolución supera el monto original.',
    en: 'The refund exceeds the original amount.',
  },
  SHIFT_NOT_OPEN: {
    status: 409,
    es: 'No hay una caja abierta: abre tu turno primero.',
    en: 'No open shift: open your shift first.',
  },
  SHIFT_ALREADY_OPEN: {
    status: 409,
    es: 'Ya tienes una caja abierta.',
    en: 'You already have an open shift.',
  },
  SHIFT_NOT_OWNED: { status: 403, es: 'Esa caja no es tuya.', en: 'That shift is not yours.' },
  PC_IN_USE: { status: 409, es: 'La PC ya está en uso.', en: 'The PC is already in use.' },
  PC_UNREACHABLE: {
    status: 504,
    es: 'La PC no respondió; no se cobró nada.',
    en: 'The PC did not answer; nothing was charged.',
  },
  PC_NOT_AVAILABLE: {
    status: 409,
    es: 'La PC no está disponible.',
    en: 'The PC is not available.',
  },
  PC_REVOKED: { status: 401, es: 'Esta PC fue dada de baja.', en: 'This PC was revoked.' },
  SESSION_ALREADY_ENDED: { status: 409, es: 'La sesión ya terminó.', en: 'The session already ended.' },
  SESSION_NOT_ACTIVE: { status: 409, es: 'La sesión no está activa.', en: 'The session is not active.' },
  FREE_SESSION_NOT_ALLOWED: {
    status: 422,
    es: 'El tiempo gratis solo lo otorga un administrador, con hora de fin.',
    en: 'Free time can only be granted by a manager, with an end time.',
  },
  TARIFF_NOT_CONFIGURED: {
    status: 422,
    es: 'La zona no tiene una tarifa válida.',
    en: 'The zone has no valid rate.',
  },
  PAIRING_CODE_INVALID: {
    status: 401,
    es: 'Código de vinculación inválido o vencido.',
    en: 'Invalid or expired pairing code.',
  },
  LAN_CLOSED: { status: 409, es: 'El local está cerrado a esta hora.', en: 'The LAN center is closed at this time.' },
  SESSION_NOT_SETTLED: {
    status: 409,
    es: 'La sesión aún no se cobró.',
    en: 'The session has not been paid yet.',
  },
  AGENT_UPGRADE_REQUIRED: {
    status: 426,
    es: 'Este agente es antiguo: actualízalo para continuar.',
    en: 'This agent is outdated: please upgrade it.',
  },
  OUT_OF_STOCK: { status: 409, es: 'Producto agotado.', en: 'Out of stock.' },
  GUEST_TICKET_CLOSED: {
    status: 409,
    es: 'El ticket de invitado está cerrado o vencido.',
    en: 'The guest ticket is closed or expired.',
  },
  GUEST_TICKET_IN_USE: {
    status: 409,
    es: 'El ticket se está usando en una PC: termina esa sesión primero.',
    en: 'The ticket is in use on a PC: end that session first.',
  },
  INTERNAL_ERROR: { status: 500, es: 'Error interno.', en: 'Internal error.' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    es: 'Servicio no disponible por el momento.',
    en: 'Service temporarily unavailable.',
  },
};

export const fieldErrorSchema = z.object({
  path: z.string().describe('Dotted path of the offending field, e.g. "email" or "items.0.qty"'),
  code: z.string(),
  message: z.string().describe('In the request language (es default)'),
  messages: z.object({ es: z.string(), en: z.string() }).optional(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const errorBodySchema = z
  .object({
    error: z.object({
      code: errorCodeSchema,
      status: z.number().int(),
      message: z.string().describe('Message in the request language (es default)'),
      messages: z.object({ es: z.string(), en: z.string() }),
      fields: z.array(fieldErrorSchema).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof errorBodySchema>;
