import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce.number().int().positive();

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt.max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIR: z.string().optional(),
  PUBLIC_URL: z.url().optional(),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  TRUST_PROXY: bool.default(false),
  JWT_PRIVATE_KEY: z.string().optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  ACCESS_TOKEN_TTL_S: positiveInt.default(900),
  REFRESH_TOKEN_TTL_S: positiveInt.default(7 * 24 * 3600),
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  LOGIN_LOCK_S: positiveInt.default(15 * 60),
  AUTH_RATE_LIMIT_PER_MIN: positiveInt.default(30),
  /** Device-token renewals per public IP and minute (a LAN center's PCs share one). */
  AGENT_TOKEN_RATE_LIMIT_PER_MIN: positiveInt.default(600),
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  HEARTBEAT_INTERVAL_S: positiveInt.default(60),
  PC_OFFLINE_AFTER_S: positiveInt.default(150),
  SESSION_ACK_TIMEOUT_MS: positiveInt.default(10_000),
  PAIRING_CODE_TTL_S: positiveInt.default(24 * 3600),
  /** Agent handshakes in progress per instance; beyond, agents are told when to come back. */
  AGENT_MAX_HANDSHAKES: positiveInt.default(200),
});

export type AppConfig = z.infer<typeof configSchema>;
export const CONFIG = Symbol('CONFIG');

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; a wrong value names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const keys = Object.keys(configSchema.shape);
  const input: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: `${issue.message} (got ${JSON.stringify(input[String(issue.path[0])] ?? null)})`,
      })),
    );
  }
  return parsed.data;
}
