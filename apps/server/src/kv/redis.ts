import { Redis, type RedisOptions } from 'ioredis';

/**
 * The Redis "namespace" of a deployment: every key (KV, BullMQ) and every pub/sub channel (the
 * Socket.IO adapter) starts with it. Keys are already separated by the database index of
 * REDIS_URL, but pub/sub channels are not (Redis pub/sub ignores the database), so the index is
 * part of the namespace: two deployments (or two test runs) on one Redis never hear each other.
 */
export function redisNamespace(url: string): string {
  const db = Number(new URL(url).pathname.replace(/^\//, '') || '0');
  return Number.isInteger(db) && db > 0 ? `ec:db${db}` : 'ec';
}

/** A Redis client for REDIS_URL; `blocking` clients (BullMQ workers) never give up on a command. */
export function redisClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, ...options });
}
