import { Redis } from 'ioredis';
import { redisNamespace } from './redis.js';

/** Short-lived counters and values: Redis when configured, in-process otherwise. */
export interface KeyValueStore {
  /** Increments and returns the counter; the first increment starts a window of ttlSeconds. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  get(key: string): Promise<string | null>;
  /** Several values in one round trip, in the order asked. */
  mget(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
export const KV = Symbol('KV');

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  incr(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.live(key);
    const next = (entry ? Number(entry.value) : 0) + 1;
    this.entries.set(key, {
      value: String(next),
      expiresAt: entry?.expiresAt ?? Date.now() + ttlSeconds * 1000,
    });
    if (this.entries.size > 100_000) this.sweep();
    return Promise.resolve(next);
  }
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }
  mget(keys: string[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map((key) => this.live(key)?.value ?? null));
  }
  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }
  del(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'ec:',
  ) {}

  static connect(url: string): RedisKeyValueStore {
    return new RedisKeyValueStore(new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false }), `${redisNamespace(url)}:`);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const k = this.prefix + key;
    const [[, count]] = (await this.redis.multi().incr(k).expire(k, ttlSeconds, 'NX').exec()) as [
      [unknown, number],
      [unknown, number],
    ];
    return count;
  }
  get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }
  mget(keys: string[]): Promise<(string | null)[]> {
    return this.redis.mget(keys.map((key) => this.prefix + key));
  }
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
  }
  async del(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
  async ping(): Promise<void> {
    await this.redis.ping();
  }
  async close(): Promise<void> {
    await this.redis.quit();
  }
}
