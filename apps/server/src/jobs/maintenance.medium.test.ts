import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { agentEvents, deviceCredentials, idempotencyKeys, pcs, sessions, transactions } from '../db/schema.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { idem, newCustomer, newOrg, newPc, newZone, openShift, recharge, setTariff } from '../testing/factories.js';
import { MaintenanceJobs, PENDING_GRACE_MS } from './maintenance.jobs.js';
import { JobsService } from './jobs.service.js';

let app: TestApp;
let jobs: MaintenanceJobs;
beforeAll(async () => {
  app = await startTestApp({ SESSION_ACK_TIMEOUT_MS: '300' });
  jobs = app.running.app.get(MaintenanceJobs);
});
afterAll(async () => {
  await app.close();
});

describe('maintenance jobs', () => {
  it('run in process without REDIS_URL', () => {
    expect(app.running.app.get(JobsService).kind).toBe('in-process');
  });

  it('pending sweep: a session left PENDING by a dead instance fails (no charge, PC free); a fresh one is left alone', async () => {
    const org = await newOrg(app);
    const zone = await newZone(app, org);
    await setTariff(app, org, zone.id, { ratePerHourMinor: 360_000, granularity: 'second', minimumChargeMinor: 0 });
    const pc = await newPc(app, org, zone.id);
    // paired (a device credential exists) but its agent never connects
    await app.database.db.insert(deviceCredentials).values({ organizationId: org.organizationId, pcId: pc.id, secretHash: 'unused' });
    await openShift(app, org, org.managerToken);
    const customer = await newCustomer(app, org);
    await recharge(app, org, org.managerToken, customer.id, 10_000);
    // No agent: the start fails after the ack timeout. Then rewind it to "PENDING, requested long
    // ago", as if the instance waiting for the ack had been killed.
    const res = await app.request('POST', '/api/v1/sessions', { token: org.managerToken, headers: { 'idempotency-key': idem() }, body: { pcId: pc.id, customerId: customer.id } });
    expect(res.status).toBe(504);
    const sessionId = (res.body as { error: { details: { sessionId: string } } }).error.details.sessionId;
    const db = app.database.db;
    await db.update(sessions).set({ status: 'PENDING', endedAt: null, endReason: null, requestedAt: new Date() }).where(eq(sessions.id, sessionId));
    await db.update(pcs).set({ status: 'PENDING' }).where(eq(pcs.id, pc.id));
    // Fresh: the instance waiting for the ack may still record it → left alone.
    await jobs.sweepPending();
    expect((await db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!.status).toBe('PENDING');
    // Requested long ago: its waiting instance is gone → FAILED.
    await db.update(sessions).set({ requestedAt: new Date(Date.now() - 300 - PENDING_GRACE_MS - 1_000) }).where(eq(sessions.id, sessionId));
    await jobs.sweepPending();
    const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(row!.status).toBe('FAILED');
    expect(row!.endReason).toBe('pc_unreachable');
    expect(row!.chargedMinor).toBe(0);
    expect(await db.select().from(transactions).where(eq(transactions.sessionId, sessionId))).toHaveLength(0);
    const [pcRow] = await db.select().from(pcs).where(eq(pcs.id, pc.id));
    expect(pcRow!.status).toBe('AVAILABLE');
    // Idempotent: a second sweep changes nothing.
    await jobs.sweepPending();
    const [still] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(still!.status).toBe('FAILED');
    expect(still!.endedAt).toEqual(row!.endedAt);
  });

  it('nightly prune: idempotency records older than 7 days and agent events older than 30 days go, newer ones stay', async () => {
    const org = await newOrg(app);
    const zone = await newZone(app, org);
    const pc = await newPc(app, org, zone.id);
    const db = app.database.db;
    const day = 24 * 3600_000;
    const now = Date.now();
    const keys = { old: `old-${randomUUID()}`, fresh: `fresh-${randomUUID()}` };
    await db.insert(idempotencyKeys).values([
      { organizationId: org.organizationId, key: keys.old, scope: 't', requestHash: 'h', createdAt: new Date(now - 8 * day) },
      { organizationId: org.organizationId, key: keys.fresh, scope: 't', requestHash: 'h', createdAt: new Date(now - 6 * day) },
    ]);
    const events = { old: randomUUID(), fresh: randomUUID() };
    await db.insert(agentEvents).values([
      { pcId: pc.id, eventId: events.old, type: 't', receivedAt: new Date(now - 31 * day) },
      { pcId: pc.id, eventId: events.fresh, type: 't', receivedAt: new Date(now - 29 * day) },
    ]);
    const pruned = await jobs.prune(now);
    expect(pruned.idempotencyKeys).toBeGreaterThanOrEqual(1);
    expect(pruned.agentEvents).toBeGreaterThanOrEqual(1);
    const leftKeys = (await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.organizationId, org.organizationId))).map((k) => k.key);
    expect(leftKeys).toContain(keys.fresh);
    expect(leftKeys).not.toContain(keys.old);
    const leftEvents = (await db.select().from(agentEvents).where(eq(agentEvents.pcId, pc.id))).map((e) => e.eventId);
    expect(leftEvents).toEqual([events.fresh]);
  });
});
