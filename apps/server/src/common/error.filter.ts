import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, locales } from 'zod';
import { type ErrorBody, type ErrorCode, errorCatalog, type FieldError } from '@econtrol/contracts';
import { AppError } from './app-error.js';
import { pickLocale } from './locale.js';

/** Zod's Spanish messages, for the second parse that gives each field error its `es` text. */
export const spanishMessages = locales.es().localeError;

/**
 * Field errors in both languages. `spanish` is the same parse with Zod's Spanish messages (same
 * schema and input, so the same issues in the same order); custom checks carry theirs in params.es.
 */
export function zodFields(error: ZodError, spanish?: ZodError): FieldError[] {
  return error.issues.map((issue, i) => {
    const es = (issue.code === 'custom' ? (issue.params as { es?: unknown } | undefined)?.es : undefined) ?? spanish?.issues[i]?.message;
    return {
      path: issue.path.map(String).join('.') || '(root)',
      code: issue.code,
      message: issue.message,
      messages: { es: typeof es === 'string' ? es : issue.message, en: issue.message },
    };
  });
}

export function errorBody(
  code: ErrorCode,
  acceptLanguage: string | string[] | undefined,
  extra: { fields?: FieldError[]; details?: Record<string, unknown>; requestId?: string } = {},
): ErrorBody {
  const def = errorCatalog[code];
  const locale = pickLocale(acceptLanguage);
  return {
    error: {
      code,
      status: def.status,
      message: def[locale],
      messages: { es: def.es, en: def.en },
      ...(extra.fields ? { fields: extra.fields.map((f) => (f.messages ? { ...f, message: f.messages[locale] } : f)) } : {}),
      ...(extra.details ? { details: extra.details } : {}),
      ...(extra.requestId ? { requestId: extra.requestId } : {}),
    },
  };
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
};

/** Maps every error to { error: { code, status, message, messages:{es,en}, fields? } }. */
export function toErrorResponse(
  exception: unknown,
  request: FastifyRequest,
): { status: number; body: ErrorBody; unexpected: boolean } {
  const lang = request.headers['accept-language'];
  const requestId = String(request.id);
  if (exception instanceof AppError) {
    const body = errorBody(exception.code, lang, {
      ...(exception.fields ? { fields: exception.fields } : {}),
      ...(exception.details ? { details: exception.details } : {}),
      requestId,
    });
    return { status: body.error.status, body, unexpected: false };
  }
  if (exception instanceof ZodError) {
    const body = errorBody('VALIDATION_FAILED', lang, { fields: zodFields(exception), requestId });
    return { status: 400, body, unexpected: false };
  }
  const fastifyCode = (exception as { code?: string } | null)?.code;
  if (fastifyCode && fastifyCodes[fastifyCode]) {
    const code = fastifyCodes[fastifyCode];
    const body = errorBody(code, lang, { requestId });
    return { status: body.error.status, body, unexpected: false };
  }
  if (exception instanceof SyntaxError) {
    return { status: 400, body: errorBody('BAD_REQUEST', lang, { requestId }), unexpected: false };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code: ErrorCode =
      status === 404
        ? 'NOT_FOUND'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 401
            ? 'UNAUTHENTICATED'
            : status === 403
              ? 'FORBIDDEN'
              : status === 429
                ? 'RATE_LIMITED'
                : status < 500
                  ? 'BAD_REQUEST'
                  : 'INTERNAL_ERROR';
    return {
      status: errorCatalog[code].status,
      body: errorBody(code, lang, { requestId }),
      unexpected: status >= 500,
    };
  }
  const status = (exception as { statusCode?: number } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status: 400, body: errorBody('BAD_REQUEST', lang, { requestId }), unexpected: false };
  }
  return { status: 500, body: errorBody('INTERNAL_ERROR', lang, { requestId }), unexpected: true };
}

/**
 * What may be logged of an unexpected error: type, code and the first line of the message. Query
 * errors carry their SQL parameters (names, password hashes…), which must never reach the logs.
 */
export function redact(error: unknown): { type: string; code?: string; message: string; cause?: string; stack?: string } {
  const e = error as { name?: string; code?: string; message?: string; cause?: unknown; stack?: string } | null;
  const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0]!.replace(/params:.*$/s, '').slice(0, 300);
  const cause = e?.cause as { message?: string; code?: string } | undefined;
  return {
    type: e?.name ?? typeof error,
    ...(e?.code ? { code: e.code } : cause?.code ? { code: cause.code } : {}),
    message: /^Failed query/.test(e?.message ?? '') ? 'database query failed' : firstLine(e?.message),
    ...(cause?.message ? { cause: firstLine(cause.message) } : {}),
    ...(e?.stack ? { stack: e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 5).join('\n') } : {}),
  };
}

@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, unexpected } = toErrorResponse(exception, request);
    if (unexpected) request.log.error({ err: redact(exception) }, 'unhandled error');
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
