/** CLI flags and their environment-variable equivalents (flags win). */
import { join } from 'node:path';

export interface CliOptions {
  serverUrl?: string;
  pairingCode?: string;
  dataDir: string;
  port: number;
  guardUid?: number;
  /** Env-only knobs for tests and diagnostics (see usage). */
  wallClockOffsetMs?: number;
  protocolVersion?: number;
  reconnectMaxMs?: number;
  resumeGraceMs?: number;
  diagnostics?: boolean;
  syntheticEvents?: number;
  help: boolean;
}

function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`Invalid ${name}: ${text}`);
  return n;
}

export const usage = `Usage: agent [--server <url>] [--pairing-code <code>] [--data-dir <dir>] [--port <n>] [--guard-uid <uid>]
  env: ECONTROL_SERVER_URL, ECONTROL_PAIRING_CODE, ECONTROL_AGENT_DATA_DIR, ECONTROL_AGENT_PORT,
       ECONTROL_AGENT_GUARD_UID, ECONTROL_AGENT_POWER=1 (really shut down / restart),
       ECONTROL_AGENT_RECONNECT_MAX_MS (backoff ceiling), ECONTROL_AGENT_RESUME_GRACE_MS,
       ECONTROL_AGENT_DIAGNOSTICS=1 (event-loop delay + outbox backlog in GET /health),
       test only: ECONTROL_AGENT_TEST_CLOCK_OFFSET_MS, ECONTROL_AGENT_TEST_PROTOCOL_VERSION,
       ECONTROL_AGENT_TEST_SYNTHETIC_EVENTS=<n> (on SIGUSR2, journal n agent.notice events)`;

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`Missing value for ${arg}`);
    flags.set(arg.slice(2), value);
    i++;
  }
  for (const k of flags.keys()) {
    if (!['server', 'pairing-code', 'data-dir', 'port', 'guard-uid'].includes(k))
      throw new Error(`Unknown option --${k}`);
  }
  const portText = flags.get('port') ?? env.ECONTROL_AGENT_PORT ?? '9876';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${portText}`);
  const uidText = flags.get('guard-uid') ?? env.ECONTROL_AGENT_GUARD_UID;
  const guardUid = uidText === undefined ? undefined : Number(uidText);
  if (guardUid !== undefined && !Number.isInteger(guardUid)) throw new Error(`Invalid uid: ${uidText}`);
  const defaultDir =
    process.platform === 'win32'
      ? join(env.ProgramData ?? 'C:\\ProgramData', 'eControl', 'agent')
      : join(process.cwd(), 'data', 'agent');
  const serverUrl = flags.get('server') ?? env.ECONTROL_SERVER_URL;
  const pairingCode = flags.get('pairing-code') ?? env.ECONTROL_PAIRING_CODE;
  if (serverUrl !== undefined) new URL(serverUrl);
  return {
    ...(serverUrl ? { serverUrl } : {}),
    ...(pairingCode ? { pairingCode } : {}),
    dataDir: flags.get('data-dir') ?? env.ECONTROL_AGENT_DATA_DIR ?? defaultDir,
    port,
    ...(guardUid === undefined ? {} : { guardUid }),
    ...optional('wallClockOffsetMs', envInt(env, 'ECONTROL_AGENT_TEST_CLOCK_OFFSET_MS', -864e5)),
    ...optional('protocolVersion', envInt(env, 'ECONTROL_AGENT_TEST_PROTOCOL_VERSION', 0)),
    ...optional('reconnectMaxMs', envInt(env, 'ECONTROL_AGENT_RECONNECT_MAX_MS', 100)),
    ...optional('resumeGraceMs', envInt(env, 'ECONTROL_AGENT_RESUME_GRACE_MS', 0)),
    ...optional('syntheticEvents', envInt(env, 'ECONTROL_AGENT_TEST_SYNTHETIC_EVENTS', 1)),
    ...(env.ECONTROL_AGENT_DIAGNOSTICS === '1' ? { diagnostics: true } : {}),
    help,
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
