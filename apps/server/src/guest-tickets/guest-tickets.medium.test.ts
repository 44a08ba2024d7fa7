import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { eq } from 'drizzle-orm';
import { priceSession } from '@econtrol/billing';
import { AGENT_PROTOCOL_VERSION, type AgentCommand } from '@econtrol/contracts';
import { auditLogs, guestTickets, idempotencyKeys, organizations, sessionIntervals, sessions, users } from '../db/schema.js';
import type { Database } from '../db/database.js';
import { verifyLedger } from '../ledger/ledger-verify.js';
import { engineTariff, type TariffSnapshot } from '../sessions/session-pricing.js';
import { openTestDatabase } from '../testing/test-app.js';
import {
  idem,
  newCashier,
  newConsole,
  newCustomer,
  newGuestTicket,
  newOrg,
  newPc,
  openShift,
  recharge,
  setTariff,
  newZone,
  type OrgFixture,
} from '../testing/factories.js';
import { listen, pairingCode, type LiveServer } from '../agent-gateway/testing/agent-harness.js';

const MAX_FAILURES = 3;
let db: { database: Database; close: () => Promise<void> };
let server: LiveServer;
const agents: Socket[] = [];
beforeAll(async () => {
  db = await openTestDatabase();
  server = await listen({ SESSION_ACK_TIMEOUT_MS: '3000', LOGIN_MAX_FAILURES: String(MAX_FAILURES) }, db.database);
});
afterAll(async () => {
  for (const socket of agents) socket.disconnect();
  await server?.close();
  await db?.close();
});

const app = () => server.app;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// guest 1.00 per second, member half of it: the price says which rate was used
const TARIFF = { ratePerHourMinor: 360_000, memberRatePerHourMinor: 180_000, granularity: 'second', minimumChargeMinor: 0 };

interface Counter {
  org: OrgFixture;
  cashier: { id: string; token: string };
  zoneId: string;
}

async function counter(org?: OrgFixture): Promise<Counter> {
  const o = org ?? (await newOrg(app()));
  const cashier = await newCashier(app(), o);
  const zone = await newZone(app(), o, 'General');
  await setTariff(app(), o, zone.id, TARIFF);
  await openShift(app(), o, cashier.token);
  return { org: o, cashier, zoneId: zone.id };
}

/** An enrolled PC whose agent is connected (a socket that acknowledges every command). */
async function agentPc(c: Counter) {
  const pc = await newPc(app(), c.org, c.zoneId);
  const code = await pairingCode(app(), c.org, pc.id);
  const enrolled = await app().request('POST', '/api/v1/agent/enroll', { body: { pairingCode: code, machine: { hostname: 'pc', os: 'linux', agentVersion: '0.1.0' } } });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  const renewed = await app().request('POST', '/api/v1/agent/token', { body: { deviceId: enrolled.body.deviceId, deviceSecret: enrolled.body.deviceSecret } });
  const token: string = renewed.body.accessToken;
  const commands: AgentCommand[] = [];
  const socket = io(`${server.url}/agent`, {
    autoConnect: false,
    reconnection: false,
    transports: ['websocket'],
    parser: msgpackParser,
    auth: { token, protocolVersion: AGENT_PROTOCOL_VERSION, agentVersion: '0.1.0', bootId: randomUUID(), activeSessionId: null },
  });
  socket.on('agent.command', (command: AgentCommand, ack: (a: unknown) => void) => {
    commands.push(command);
    ack({ ok: true, commandId: command.commandId, monotonicMs: 1, serverMs: Date.now() });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('agent.welcome', () => resolve());
    socket.once('connect_error', reject);
    socket.connect();
  });
  agents.push(socket);
  return { pc, token, commands };
}

const lockScreen = (token: string, code: string) => app().request('POST', '/api/v1/agent/login', { token, body: { kind: 'guest', code } });
const ticketOf = (c: Counter, id: string, token = c.cashier.token) => app().request('GET', `/api/v1/guest-tickets/${id}`, { token });
const close = (c: Counter, id: string, body: Record<string, unknown> = {}, key = idem(), token = c.cashier.token) =>
  app().request('POST', `/api/v1/guest-tickets/${id}/close`, { token, headers: { 'idempotency-key': key }, body });
const endSession = (c: Counter, id: string) => app().request('POST', `/api/v1/sessions/${id}/end`, { token: c.cashier.token, body: {} });
const currentShift = async (c: Counter) => (await app().request('GET', '/api/v1/shifts/current', { token: c.cashier.token })).body;

async function enginePrice(sessionId: string, member: boolean): Promise<number> {
  const [row] = await app().database.db.select().from(sessions).where(eq(sessions.id, sessionId));
  const intervals = await app().database.db.select().from(sessionIntervals).where(eq(sessionIntervals.sessionId, sessionId));
  return priceSession({
    tariff: engineTariff(row!.tariffSnapshot as TariffSnapshot),
    member,
    intervals: intervals.map((i) => ({ startMs: i.startedAt.getTime(), endMs: i.endedAt!.getTime() })),
  }).amountMinor;
}

describe('selling a guest ticket', () => {
  it('the walk-in pays at the counter: a RECHARGE in the shift, the code once, only its hash stored', async () => {
    const c = await counter();
    const key = idem();
    const body = { lanCenterId: c.org.lanCenterId, amountMinor: 1_000, paymentMethod: 'CASH' };
    const sold = await app().request('POST', '/api/v1/guest-tickets', { token: c.cashier.token, headers: { 'idempotency-key': key }, body });
    expect(sold.status, JSON.stringify(sold.body)).toBe(201);
    const { ticket, code, transaction } = sold.body;
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(ticket).toMatchObject({ status: 'OPEN', soldMinor: 1_000, balanceMinor: 1_000, availableMinor: 1_000, paymentMethod: 'CASH', codeHint: code.slice(-2) });
    expect(ticket.name).toContain(code.slice(-2));
    // 10.00 at 1.00/s buys 10 s of the guest rate (the member rate would give 20 s)
    expect(ticket.timeByZone).toEqual([{ zoneId: c.zoneId, zoneName: 'General', ratePerHourMinor: 360_000, seconds: 10 }]);
    expect(Date.parse(ticket.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(transaction).toMatchObject({ type: 'RECHARGE', paymentMethod: 'CASH', amountMinor: 1_000, tenderedMinor: 1_000, customerId: ticket.customerId });

    const shift = await currentShift(c);
    expect(transaction.shiftId).toBe(shift.id);
    expect(shift.totals.cashInMinor).toBe(1_000);
    expect(shift.totals.byMethod.CASH).toBe(1_000);
    const ledger = await app().request('GET', `/api/v1/transactions?customerId=${ticket.customerId}`, { token: c.cashier.token });
    expect(ledger.body.items.map((x: { id: string; shiftId: string }) => [x.id, x.shiftId])).toEqual([[transaction.id, shift.id]]);

    // a replay moves nothing and still shows the code (for a while); another body is refused
    const again = await app().request('POST', '/api/v1/guest-tickets', { token: c.cashier.token, headers: { 'idempotency-key': key }, body });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.ticket.id).toBe(ticket.id);
    expect(again.body.code).toBe(code);
    const reused = await app().request('POST', '/api/v1/guest-tickets', { token: c.cashier.token, headers: { 'idempotency-key': key }, body: { ...body, amountMinor: 2_000 } });
    expect(reused.status).toBe(422);
    expect((await currentShift(c)).totals.cashInMinor).toBe(1_000);

    const [row] = await app().database.db.select().from(guestTickets).where(eq(guestTickets.id, ticket.id));
    const plain = code.replace('-', '');
    expect(row!.codeHash).not.toContain(plain);
    const [stored] = await app().database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(JSON.stringify(stored!.responseBody)).not.toContain(plain);
    const [user] = await app().database.db.select().from(users).where(eq(users.id, ticket.customerId));
    expect(user).toMatchObject({ guest: true, role: 'CLIENT', passwordHash: null, username: null });
  });

  it('Yape goes to its own method; no open shift → SHIFT_NOT_OPEN and nothing is created', async () => {
    const c = await counter();
    await newGuestTicket(app(), c.org, c.cashier.token, 1_500, { paymentMethod: 'YAPE', reference: 'OP-123' });
    const shift = await currentShift(c);
    expect(shift.totals.byMethod.YAPE).toBe(1_500);
    expect(shift.totals.cashInMinor).toBe(0);

    const other = await newCashier(app(), c.org);
    const refused = await app().request('POST', '/api/v1/guest-tickets', {
      token: other.token,
      headers: { 'idempotency-key': idem() },
      body: { lanCenterId: c.org.lanCenterId, amountMinor: 500, paymentMethod: 'CASH' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SHIFT_NOT_OPEN');
    const list = await app().request('GET', `/api/v1/lan-centers/${c.org.lanCenterId}/guest-tickets`, { token: c.cashier.token });
    expect(list.body.items).toHaveLength(1);
    const missingKey = await app().request('POST', '/api/v1/guest-tickets', { token: c.cashier.token, body: { lanCenterId: c.org.lanCenterId, amountMinor: 500, paymentMethod: 'CASH' } });
    expect(missingKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('tickets are not regular customers: hidden from the customer search unless asked for', async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token);
    const search = await app().request('GET', '/api/v1/customers?q=Invitado', { token: c.cashier.token });
    expect(search.body.items).toEqual([]);
    const only = await app().request('GET', '/api/v1/customers?guests=only', { token: c.cashier.token });
    expect(only.body.items.map((x: { id: string; guest: boolean }) => [x.id, x.guest])).toEqual([[t.customerId, true]]);
    const one = await app().request('GET', `/api/v1/customers/${t.customerId}`, { token: c.cashier.token });
    expect(one.body.guest).toBe(true);
  });
});

describe('the guest code at the lock screen (S7)', () => {
  it('starts a GUEST_PREPAID session at the guest rate paid from the ticket; the rest stays for another PC', async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token, 10_000);
    const pc1 = await agentPc(c);
    // typed in lower case, with spaces instead of the dash
    const login = await lockScreen(pc1.token, ` ${t.code.toLowerCase().replace('-', ' ')} `);
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.displayName).toBe(t.sale.ticket.name);
    const start = pc1.commands.find((x) => x.type === 'session.start');
    expect(start).toMatchObject({ sessionId: login.body.sessionId, balanceMinor: 10_000, postpaid: false, customer: { id: t.customerId, member: false } });
    const running = await app().request('GET', `/api/v1/sessions/${login.body.sessionId}`, { token: c.cashier.token });
    expect(running.body).toMatchObject({ kind: 'GUEST_PREPAID', status: 'ACTIVE', customerId: t.customerId });
    expect((await ticketOf(c, t.id)).body.status).toBe('IN_USE');
    // one PC at a time
    const pc2 = await agentPc(c);
    const twice = await lockScreen(pc2.token, t.code);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('GUEST_TICKET_IN_USE');

    await sleep(1_600);
    const ended = await endSession(c, login.body.sessionId);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const guestPrice = await enginePrice(login.body.sessionId, false);
    expect(guestPrice).toBeGreaterThan(await enginePrice(login.body.sessionId, true));
    expect(ended.body.chargedMinor).toBe(guestPrice);
    const after = (await ticketOf(c, t.id)).body;
    expect(after).toMatchObject({ status: 'OPEN', balanceMinor: 10_000 - guestPrice });

    // the leftover opens another PC
    const second = await lockScreen(pc2.token, t.code);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    const start2 = pc2.commands.find((x) => x.type === 'session.start');
    expect(start2).toMatchObject({ balanceMinor: 10_000 - guestPrice });
    // in use: it cannot be closed
    const busy = await close(c, t.id);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('GUEST_TICKET_IN_USE');
    await endSession(c, second.body.sessionId);
    expect((await verifyLedger(app().database.db, c.org.organizationId)).mismatches).toEqual([]);
  });

  it('an empty, wrong, expired or closed code is refused like a wrong password', async () => {
    const c = await counter();
    const pc = await agentPc(c);
    for (const code of ['', '   ']) {
      const res = await lockScreen(pc.token, code);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const wrong = await lockScreen(pc.token, 'ZZZZ-ZZZZ');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');

    const expired = await newGuestTicket(app(), c.org, c.cashier.token);
    await app().database.db.update(guestTickets).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(guestTickets.id, expired.id));
    const pc2 = await agentPc(c);
    const late = await lockScreen(pc2.token, expired.code);
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await ticketOf(c, expired.id)).body.status).toBe('EXPIRED');

    const closed = await newGuestTicket(app(), c.org, c.cashier.token);
    expect((await close(c, closed.id)).status).toBe(200);
    const pc3 = await agentPc(c);
    const gone = await lockScreen(pc3.token, closed.code);
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe('INVALID_CREDENTIALS');

    // a code of another LAN center (or company) opens nothing here
    const elsewhere = await counter();
    const foreign = await newGuestTicket(app(), elsewhere.org, elsewhere.cashier.token);
    const pc4 = await agentPc(c);
    expect((await lockScreen(pc4.token, foreign.code)).body.error.code).toBe('INVALID_CREDENTIALS');
    const none = await app().database.db.select().from(sessions).where(eq(sessions.userId, foreign.customerId));
    expect(none).toEqual([]);
  });

  it(`after ${MAX_FAILURES} wrong codes the PC is refused for a while, even with a right code; other PCs are not`, async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token);
    const pc = await agentPc(c);
    const codes = [];
    for (let i = 0; i < MAX_FAILURES; i++) codes.push((await lockScreen(pc.token, `WRNG-${i}${i}${i}${i}`)).body.error.code);
    expect(codes).toEqual([...Array(MAX_FAILURES - 1).fill('INVALID_CREDENTIALS'), 'RATE_LIMITED']);
    const right = await lockScreen(pc.token, t.code);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('RATE_LIMITED');
    const other = await agentPc(c);
    expect((await lockScreen(other.token, t.code)).status).toBe(200);
  });

  it('S8: a ticket whose money buys no time never starts a session', async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token, 1); // 0.01 buys 1/100 s
    const pc = await agentPc(c);
    const res = await lockScreen(pc.token, t.code);
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await app().database.db.select().from(sessions).where(eq(sessions.userId, t.customerId))).toEqual([]);
    expect(pc.commands.filter((x) => x.type === 'session.start')).toEqual([]);
  });

  it('from the counter too, a ticket plays at the guest rate and never on credit', async () => {
    const c = await counter();
    // the company lets members go 100.00 below zero; tickets never
    await app().database.db.update(organizations).set({ creditLimitMinor: 10_000 }).where(eq(organizations.id, c.org.organizationId));
    const station = await newConsole(app(), c.org, c.zoneId);
    const t = await newGuestTicket(app(), c.org, c.cashier.token, 500);
    const started = await app().request('POST', '/api/v1/sessions', { token: c.cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId: station.id, customerId: t.customerId } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.kind).toBe('GUEST_PREPAID');
    await sleep(1_100);
    const ended = await endSession(c, started.body.id);
    expect(ended.body.chargedMinor).toBe(await enginePrice(started.body.id, false));
    const poor = await newGuestTicket(app(), c.org, c.cashier.token, 1);
    const refused = await app().request('POST', '/api/v1/sessions', { token: c.cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId: station.id, customerId: poor.customerId } });
    expect(refused.body.error.code).toBe('INSUFFICIENT_BALANCE');
  });

  it('a sale charged to a ticket never goes on credit, though members may (idle and while it plays)', async () => {
    const c = await counter();
    await app().database.db.update(organizations).set({ creditLimitMinor: 10_000 }).where(eq(organizations.id, c.org.organizationId));
    const t = await newGuestTicket(app(), c.org, c.cashier.token, 500);
    const sell = (customerId: string, amountMinor: number) =>
      app().request('POST', `/api/v1/customers/${customerId}/charges`, {
        token: c.cashier.token,
        headers: { 'idempotency-key': idem() },
        body: { lanCenterId: c.org.lanCenterId, amountMinor, type: 'STORE_PURCHASE', reason: 'Gaseosa' },
      });
    const account = async (customerId: string) => (await app().request('GET', `/api/v1/customers/${customerId}/account`, { token: c.cashier.token })).body;
    expect(await account(t.customerId)).toMatchObject({ balanceMinor: 500, availableMinor: 500, creditLimitMinor: 0 });
    const over = await sell(t.customerId, 501);
    expect(over.status, JSON.stringify(over.body)).toBe(402);
    expect(over.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const exact = await sell(t.customerId, 200);
    expect(exact.status, JSON.stringify(exact.body)).toBe(201);
    expect(exact.body).toMatchObject({ balanceMinor: 300, availableMinor: 300 });
    // while the ticket plays, the careful path (running cost counted) holds the same floor
    const station = await newConsole(app(), c.org, c.zoneId);
    const started = await app().request('POST', '/api/v1/sessions', { token: c.cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId: station.id, customerId: t.customerId } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await sleep(1_100); // at 1.00/s the running session has used at least 1.00 of the 3.00
    const playing = await sell(t.customerId, 300);
    expect(playing.body.error?.code, JSON.stringify(playing.body)).toBe('INSUFFICIENT_BALANCE');
    await endSession(c, started.body.id);
    // a member of the same company may go below zero down to the limit
    const member = await newCustomer(app(), c.org);
    const onCredit = await sell(member.id, 2_500);
    expect(onCredit.status, JSON.stringify(onCredit.body)).toBe(201);
    expect(onCredit.body).toMatchObject({ balanceMinor: -2_500, availableMinor: 7_500 });
    expect((await verifyLedger(app().database.db, c.org.organizationId)).mismatches).toEqual([]);
  });
});

describe('closing a ticket', () => {
  it('a topped-up ticket gives back the top-up and the sale, each against its own payment; a manager’s gift is not paid out', async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token, 1_000);
    const topUp = await recharge(app(), c.org, c.cashier.token, t.customerId, 500);
    expect(topUp.status).toBe(201);
    const closed = await close(c, t.id);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.refundedMinor).toBe(1_500);
    expect(closed.body.transactions.map((r: { refundOfId: string; amountMinor: number }) => [r.refundOfId, r.amountMinor])).toEqual([
      [topUp.body.transaction.id, -500],
      [t.sale.transaction.id, -1_000],
    ]);
    expect((await verifyLedger(app().database.db, c.org.organizationId)).mismatches).toEqual([]);

    const gifted = await newGuestTicket(app(), c.org, c.cashier.token, 1_000);
    const gift = await app().request('POST', `/api/v1/customers/${gifted.customerId}/adjustments`, {
      token: c.org.managerToken,
      headers: { 'idempotency-key': idem() },
      body: { amountMinor: 300, reason: 'Compensación por corte de luz' },
    });
    expect(gift.status, JSON.stringify(gift.body)).toBe(201);
    const refused = await close(c, gifted.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_ORIGINAL', details: { originalMinor: 1_000, balanceMinor: 1_300 } });
    expect((await app().request('GET', `/api/v1/guest-tickets/${gifted.id}`, { token: c.cashier.token })).body.status).toBe('OPEN');
  });

  it('refunds exactly what is left, in the shift, audited; the ledger still adds up', async () => {
    const c = await counter();
    const station = await newConsole(app(), c.org, c.zoneId);
    const t = await newGuestTicket(app(), c.org, c.cashier.token, 2_000, { paymentMethod: 'YAPE' });
    const started = await app().request('POST', '/api/v1/sessions', { token: c.cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId: station.id, customerId: t.customerId } });
    await sleep(1_100);
    const charged: number = (await endSession(c, started.body.id)).body.chargedMinor;
    expect(charged).toBeGreaterThan(0);
    const left = 2_000 - charged;

    const key = idem();
    const closed = await close(c, t.id, { reason: 'El cliente se retira' }, key);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.refundedMinor).toBe(left);
    expect(closed.body.ticket).toMatchObject({ status: 'CLOSED', balanceMinor: 0, timeByZone: [] });
    expect(closed.body.transactions).toHaveLength(1);
    expect(closed.body.transactions[0]).toMatchObject({ type: 'REFUND', paymentMethod: 'CASH', amountMinor: -left, tenderedMinor: -left, refundOfId: t.sale.transaction.id, balanceAfterMinor: 0 });
    const shift = await currentShift(c);
    expect(closed.body.transactions[0].shiftId).toBe(shift.id);
    expect(shift.totals.cashOutMinor).toBe(left);
    expect(shift.totals.byMethod.YAPE).toBe(2_000);

    const replay = await close(c, t.id, { reason: 'El cliente se retira' }, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.transactions[0].id).toBe(closed.body.transactions[0].id);
    const twice = await close(c, t.id);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('GUEST_TICKET_CLOSED');
    const audit = await app().database.db.select().from(auditLogs).where(eq(auditLogs.entityId, t.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['guest_ticket.closed', 'guest_ticket.sold']);

    const open = await app().request('GET', `/api/v1/lan-centers/${c.org.lanCenterId}/guest-tickets`, { token: c.cashier.token });
    expect(open.body.items).toEqual([]);
    const all = await app().request('GET', `/api/v1/lan-centers/${c.org.lanCenterId}/guest-tickets?status=all`, { token: c.cashier.token });
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect((await verifyLedger(app().database.db, c.org.organizationId)).mismatches).toEqual([]);
  });

  it('closing with money left needs your open shift', async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token);
    const res = await close(c, t.id, {}, idem(), c.org.managerToken);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SHIFT_NOT_OPEN');
    expect((await ticketOf(c, t.id)).body.status).toBe('OPEN');
  });
});

describe('tenancy', () => {
  it('another company gets 404 for a ticket, its list and its LAN center', async () => {
    const c = await counter();
    const t = await newGuestTicket(app(), c.org, c.cashier.token);
    const other = await counter();
    const token = other.org.managerToken;
    expect((await ticketOf(c, t.id, token)).status).toBe(404);
    expect((await close(c, t.id, {}, idem(), token)).status).toBe(404);
    expect((await app().request('GET', `/api/v1/lan-centers/${c.org.lanCenterId}/guest-tickets`, { token })).status).toBe(404);
    const sell = await app().request('POST', '/api/v1/guest-tickets', { token: other.cashier.token, headers: { 'idempotency-key': idem() }, body: { lanCenterId: c.org.lanCenterId, amountMinor: 500, paymentMethod: 'CASH' } });
    expect(sell.status).toBe(404);
    expect((await ticketOf(c, t.id)).body.status).toBe('OPEN');
  });
});
