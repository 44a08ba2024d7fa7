import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { openTestDatabase } from '../testing/test-app.js';
import { PASSWORD, newCashier, newOrg, newPc, newZone, type OrgFixture } from '../testing/factories.js';
import { listen, type LiveServer } from '../agent-gateway/testing/agent-harness.js';

let server: LiveServer;
let closeDb: () => Promise<void>;
const sockets: Socket[] = [];

beforeAll(async () => {
  const db = await openTestDatabase();
  closeDb = db.close;
  server = await listen({}, db.database);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server.close();
  await closeDb();
});

function connect(options: { token?: string; cookie?: string }): Socket {
  const socket = io(`${server.url}/console`, {
    parser: msgpackParser,
    transports: ['websocket'],
    reconnection: false,
    ...(options.token ? { auth: { token: options.token } } : {}),
    ...(options.cookie ? { extraHeaders: { cookie: options.cookie } } : {}),
  });
  sockets.push(socket);
  return socket;
}

const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });

const subscribe = (socket: Socket, lanCenterId: string) =>
  socket.timeout(3000).emitWithAck('floor.subscribe', { lanCenterId }) as Promise<{ ok: boolean; code?: string }>;

describe('console live floor (Socket.IO /console)', () => {
  let org: OrgFixture;
  beforeAll(async () => {
    org = await newOrg(server.app);
  });

  it('a cashier with a cookie session subscribes and gets pc.updated when a PC changes', async () => {
    const cashier = await newCashier(server.app, org);
    const login = await server.app.request('POST', '/api/v1/auth/login', { body: { login: cashier.login, password: PASSWORD, tokenMode: 'cookie' } });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const socket = connect({ cookie });
    await connected(socket);
    expect(await subscribe(socket, org.lanCenterId)).toMatchObject({ ok: true });
    const zone = await newZone(server.app, org);
    const pc = await newPc(server.app, org, zone.id, 'PC-07');
    const update = new Promise<{ id: string; status: string }>((resolve) => {
      socket.on('pc.updated', (payload: { id: string; status: string }) => {
        if (payload.id === pc.id && payload.status === 'MAINTENANCE') resolve(payload);
      });
    });
    const sentAt = Date.now();
    await server.app.request('PATCH', `/api/v1/pcs/${pc.id}`, { token: org.managerToken, body: { maintenance: true } });
    const payload = await update;
    expect(payload).toMatchObject({ id: pc.id, name: 'PC-07', status: 'MAINTENANCE', lanCenterId: org.lanCenterId });
    expect(Date.now() - sentAt).toBeLessThan(5000);
    const removed = new Promise<{ id: string }>((resolve) => socket.once('pc.removed', resolve));
    await server.app.request('PATCH', `/api/v1/pcs/${pc.id}`, { token: org.managerToken, body: { maintenance: false } });
    await server.app.request('DELETE', `/api/v1/pcs/${pc.id}`, { token: org.managerToken });
    expect(await removed).toEqual({ id: pc.id });
  });

  it('refuses connections without a session, and another company’s floor', async () => {
    const anonymous = connect({});
    await expect(connected(anonymous)).rejects.toThrow('UNAUTHENTICATED');
    const bad = connect({ token: 'garbage' });
    await expect(connected(bad)).rejects.toThrow('TOKEN_INVALID');
    const other = await newOrg(server.app);
    const socket = connect({ token: other.managerToken });
    await connected(socket);
    expect(await subscribe(socket, org.lanCenterId)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await subscribe(socket, 'not-a-uuid')).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
    // no event of org A reaches the other company
    const leaked: unknown[] = [];
    socket.on('pc.updated', (p) => leaked.push(p));
    const zone = await newZone(server.app, org);
    await newPc(server.app, org, zone.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(leaked).toEqual([]);
  });
});
