import type { FastifyReply } from 'fastify';
import type { Stored } from './idempotency.service.js';

/** Sends a stored (possibly replayed) result with its original status. */
export function respondStored<T>(reply: FastifyReply, result: Stored<T>): T {
  void reply.status(result.status);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  return result.body;
}
