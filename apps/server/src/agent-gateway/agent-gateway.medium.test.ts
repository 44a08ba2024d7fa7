import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { and, eq } from 'drizzle-orm';
import { AGENT_PROTOCOL_VERSION, type AgentSyncAck, type AgentWelcome } from '@econtrol/contracts';
import { agentEvents, deviceCredentials } from '../db/schema.js';
import { newOrg, newPc, newZone, uniq, type OrgFixture } from '../testing/factories.js';
import { type ApiBody, listen, pairingCode, pcRow, type LiveServer } from './testing/agent-harness.js';
import { openTestDatabase } from '../testing/test-app.js';
import { AgentGatewayRepository } from './agent-gateway.repository.js';
import type { Database } from '../db/database.js';

let db: { database: Database; close: () => Promise<void> };
let server: LiveServer;
beforeAll(async () => {
  db = await openTestDatabase();
  server = await listen({ SESSION_ACK_TIMEOUT_MS: '500' }, db.database);
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const machine = { hostname: 'pc-test', os: 'linux', agentVersion: '0.1.0' };

async function enrolled(org?: OrgFixture) {
  const o = org ?? (await newOrg(server.app));
  const zone = await newZone(server.app, o);
  const pc = await newPc(server.app, o, zone.id);
  const code = await pairingCode(server.app, o, pc.id);
  const res = await server.app.request<ApiBody>('POST', '/api/v1/agent/enroll', { body: { pairingCode: code.toLowerCase(), machine } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { org: o, pc, code, credential: { deviceId: res.body.deviceId, deviceSecret: res.body.deviceSecret, pcId: res.body.pcId } };
}

async function deviceToken(deviceId: string, deviceSecret: string): Promise<string> {
  const res = await server.app.request<ApiBody>('POST', '/api/v1/agent/token', { body: { deviceId, deviceSecret } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken;
}

/** Connects like the agent does; resolves with the socket + welcome, or the connect error. */
function connect(auth: Record<string, unknown>): Promise<{ socket: Socket; welcome?: AgentWelcome; error?: { message: string; data?: { code: string; minProtocolVersion?: number } } }> {
  const socket = io(`${server.url}/agent`, { autoConnect: false, reconnection: false, transports: ['websocket'], parser: msgpackParser, auth });
  return new Promise((resolve) => {
    socket.once('agent.welcome', (welcome: AgentWelcome) => resolve({ socket, welcome }));
    socket.once('connect_error', (err: Error & { data?: { code: string } }) => resolve({ socket, error: { message: err.message, ...(err.data ? { data: err.data } : {}) } }));
    socket.connect();
  });
}

const handshake = (token: string, extra: Record<string, unknown> = {}) => ({
  token,
  protocolVersion: AGENT_PROTOCOL_VERSION,
  agentVersion: '0.1.0',
  bootId: randomUUID(),
  activeSessionId: null,
  ...extra,
});

describe('enrollment and device tokens', () => {
  it('a pairing code works once; the credential gets tokens; the PC is enrolled', async () => {
    const { org, pc, code, credential } = await enrolled();
    expect(credential.pcId).toBe(pc.id);
    const again = await server.app.request<ApiBody>('POST', '/api/v1/agent/enroll', { body: { pairingCode: code, machine } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('PAIRING_CODE_INVALID');
    const wrong = await server.app.request<ApiBody>('POST', '/api/v1/agent/enroll', { body: { pairingCode: 'ZZZZ-ZZZZ', machine } });
    expect(wrong.body.error.code).toBe('PAIRING_CODE_INVALID');
    await deviceToken(credential.deviceId, credential.deviceSecret);
    const bad = await server.app.request<ApiBody>('POST', '/api/v1/agent/token', { body: { deviceId: credential.deviceId, deviceSecret: 'x'.repeat(43) } });
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    const listed = await server.app.request<ApiBody>('GET', `/api/v1/pcs/${pc.id}`, { token: org.managerToken });
    expect(listed.body.enrolled).toBe(true);
  });

  it('a device token cannot call staff routes, and a staff token cannot call device routes', async () => {
    const { org, credential } = await enrolled();
    const token = await deviceToken(credential.deviceId, credential.deviceSecret);
    const staffRoute = await server.app.request<ApiBody>('GET', `/api/v1/lan-centers/${org.lanCenterId}/pcs`, { token });
    expect(staffRoute.status).toBe(403);
    const deviceRoute = await server.app.request<ApiBody>('POST', '/api/v1/agent/login', { token: org.managerToken, body: { kind: 'account', username: 'a', password: 'b' } });
    expect(deviceRoute.status).toBe(403);
  });
});

describe('socket handshake', () => {
  it('welcomes an enrolled agent with server time, config and no session; the PC is AVAILABLE', async () => {
    const { pc, credential } = await enrolled();
    const token = await deviceToken(credential.deviceId, credential.deviceSecret);
    const before = Date.now();
    const { socket, welcome, error } = await connect(handshake(token));
    try {
      expect(error).toBeUndefined();
      expect(welcome!.pcId).toBe(pc.id);
      expect(welcome!.activeSessionId).toBeNull();
      expect(welcome!.serverNowMs).toBeGreaterThanOrEqual(before);
      expect(welcome!.config.pcName).toBe(pc.name);
      // Lima's offsets for two years (no DST): the agent converts local time without Intl.
      const table = welcome!.config.zoneTable!;
      expect(table.timeZone).toBe('America/Lima');
      expect(table.fromMs).toBeLessThanOrEqual(before);
      expect(table.toMs - table.fromMs).toBeGreaterThan(700 * 86_400_000);
      expect(table.offsets).toEqual([[table.fromMs, -5 * 3600]]);
      const row = await pcRow(server.app, pc.id);
      expect(row.status).toBe('AVAILABLE');
      expect(row.protocolVersion).toBe(AGENT_PROTOCOL_VERSION);
    } finally {
      socket.disconnect();
    }
  });

  it('S15: an old protocol version gets AGENT_UPGRADE_REQUIRED (before anything else)', async () => {
    const { credential } = await enrolled();
    const token = await deviceToken(credential.deviceId, credential.deviceSecret);
    const { socket, error } = await connect(handshake(token, { protocolVersion: 0 }));
    socket.disconnect();
    expect(error?.message).toBe('AGENT_UPGRADE_REQUIRED');
    expect(error?.data?.code).toBe('AGENT_UPGRADE_REQUIRED');
    expect(error?.data?.minProtocolVersion).toBe(1);
    const legacy = await connect({ token });
    legacy.socket.disconnect();
    expect(legacy.error?.data?.code).toBe('AGENT_UPGRADE_REQUIRED');
  });

  it('refuses a bad token and a staff token with TOKEN_INVALID', async () => {
    const { org } = await enrolled();
    for (const token of ['not-a-valid-token', org.managerToken]) {
      const { socket, error } = await connect(handshake(token));
      socket.disconnect();
      expect(error?.data?.code).toBe('TOKEN_INVALID');
    }
  });

  it('a retired PC is refused at once: live socket cut, handshake, token and login refused', async () => {
    const { org, pc, credential } = await enrolled();
    const token = await deviceToken(credential.deviceId, credential.deviceSecret);
    const { socket, welcome } = await connect(handshake(token));
    expect(welcome).toBeDefined();
    const cut = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const retired = await server.app.request<ApiBody>('DELETE', `/api/v1/pcs/${pc.id}`, { token: org.managerToken });
    expect(retired.status).toBe(204);
    expect(await cut).toBe('io server disconnect');
    const again = await connect(handshake(token));
    again.socket.disconnect();
    expect(again.error?.data?.code).toBe('PC_REVOKED');
    const renew = await server.app.request<ApiBody>('POST', '/api/v1/agent/token', { body: credential });
    expect(renew.body.error.code).toBe('PC_REVOKED');
    const login = await server.app.request<ApiBody>('POST', '/api/v1/agent/login', { token, body: { kind: 'account', username: 'a', password: 'b' } });
    expect(login.body.error.code).toBe('PC_REVOKED');
  });

  it('re-enrolling revokes the previous credential', async () => {
    const { org, pc, credential } = await enrolled();
    const code = await pairingCode(server.app, org, pc.id);
    const res = await server.app.request<ApiBody>('POST', '/api/v1/agent/enroll', { body: { pairingCode: code, machine } });
    expect(res.status).toBe(201);
    const old = await server.app.request<ApiBody>('POST', '/api/v1/agent/token', { body: credential });
    expect(old.body.error.code).toBe('PC_REVOKED');
    const rows = await server.app.database.db.select().from(deviceCredentials).where(eq(deviceCredentials.pcId, pc.id));
    expect(rows.filter((r) => r.revokedAt === null)).toHaveLength(1);
  });
});

describe('agent.sync', () => {
  it('applies each event once: a replayed eventId is acked ok + duplicate; invalid events are dead-lettered', async () => {
    const { pc, credential } = await enrolled();
    const token = await deviceToken(credential.deviceId, credential.deviceSecret);
    const bootId = randomUUID();
    const { socket } = await connect(handshake(token, { bootId }));
    try {
      const notice = {
        eventId: randomUUID(),
        seq: 1,
        bootId,
        monotonicMs: 10,
        wallMs: Date.now(),
        serverMs: Date.now(),
        anchorSource: 'server',
        type: 'agent.notice',
        level: 'info',
        code: uniq('n'),
        message: 'hola',
      };
      const invalidId = randomUUID();
      const batch = { batchId: randomUUID(), events: [notice, { eventId: invalidId, type: 'nope' }] };
      const first = (await socket.emitWithAck('agent.sync', batch)) as AgentSyncAck;
      expect(first.batchId).toBe(batch.batchId);
      expect(first.results[0]).toEqual({ eventId: notice.eventId, ok: true });
      expect(first.results[1]).toMatchObject({ eventId: invalidId, ok: false, code: 'VALIDATION_FAILED', retryable: false });
      const replay = (await socket.emitWithAck('agent.sync', { batchId: randomUUID(), events: [notice] })) as AgentSyncAck;
      expect(replay.results[0]).toEqual({ eventId: notice.eventId, ok: true, duplicate: true });
      const stored = await server.app.database.db.select().from(agentEvents).where(and(eq(agentEvents.pcId, pc.id), eq(agentEvents.eventId, notice.eventId)));
      expect(stored).toHaveLength(1);
      // A NUL in an agent's text (jsonb refuses it) is stored with U+FFFD, not refused forever.
      const nul = { ...notice, eventId: randomUUID(), seq: 2, message: 'a\u0000b' };
      const withNul = (await socket.emitWithAck('agent.sync', { batchId: randomUUID(), events: [nul] })) as AgentSyncAck;
      expect(withNul.results).toEqual([{ eventId: nul.eventId, ok: true }]);
      const [row] = await server.app.database.db.select().from(agentEvents).where(and(eq(agentEvents.pcId, pc.id), eq(agentEvents.eventId, nul.eventId)));
      expect((row!.payload as { message: string }).message).toBe('a\ufffdb');
    } finally {
      socket.disconnect();
    }
  });
});

describe('handshake admission (AGENT_MAX_HANDSHAKES)', () => {
  it('beyond the limit an agent gets SERVICE_UNAVAILABLE with retryAfterMs; slots come back after welcomes and after refusals', async () => {
    const limited = await listen({ AGENT_MAX_HANDSHAKES: '2' }, db.database);
    const sockets: Socket[] = [];
    const connectTo = (auth: Record<string, unknown>) => {
      const socket = io(`${limited.url}/agent`, { autoConnect: false, reconnection: false, transports: ['websocket'], parser: msgpackParser, auth });
      sockets.push(socket);
      return new Promise<{ welcomed: boolean; code?: string; retryAfterMs?: number }>((resolve) => {
        socket.once('agent.welcome', () => resolve({ welcomed: true }));
        socket.once('connect_error', (err: Error & { data?: { code: string; retryAfterMs?: number } }) =>
          resolve({ welcomed: false, ...(err.data ? { code: err.data.code, retryAfterMs: err.data.retryAfterMs } : {}) }),
        );
        socket.connect();
      });
    };
    try {
      const org = await newOrg(server.app);
      const tokens: string[] = [];
      for (let i = 0; i < 8; i++) {
        const { credential } = await enrolled(org);
        tokens.push(await deviceToken(credential.deviceId, credential.deviceSecret));
      }
      // The first two handshakes are held at their query: the six others find no slot.
      const repo = limited.app.running.app.get(AgentGatewayRepository);
      const real = repo.handshakeContext.bind(repo);
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const spy = vi.spyOn(repo, 'handshakeContext').mockImplementation((...args) => gate.then(() => real(...args)));
      const held = tokens.slice(0, 2).map((t) => connectTo(handshake(t)));
      await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(2), { timeout: 5_000 });
      const refused = await Promise.all(tokens.slice(2).map((t) => connectTo(handshake(t))));
      open();
      expect(await Promise.all(held)).toEqual([{ welcomed: true }, { welcomed: true }]);
      spy.mockRestore();
      expect(refused).toHaveLength(6);
      for (const r of refused) {
        expect(r.code).toBe('SERVICE_UNAVAILABLE');
        expect(r.retryAfterMs).toBeGreaterThanOrEqual(500);
        expect(r.retryAfterMs).toBeLessThanOrEqual(60_500);
      }
      // Refused handshakes (bad token) free their slot too: five in a row, then every agent again.
      for (let i = 0; i < 5; i++) expect((await connectTo(handshake('not-a-token'))).code).toBe('TOKEN_INVALID');
      for (const s of sockets.splice(0)) s.disconnect();
      for (const t of tokens) expect(await connectTo(handshake(t))).toEqual({ welcomed: true });
    } finally {
      for (const s of sockets) s.disconnect();
      await limited.close();
    }
  });
});
