import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { AGENT_PROTOCOL_VERSION } from '@econtrol/contracts';
import { auditLogs, pcs } from '../db/schema.js';
import { EventBus } from '../events/event-bus.js';
import { newOrg, newZone, uniq, type OrgFixture } from '../testing/factories.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { AgentGatewayRepository } from './agent-gateway.repository.js';
import type { AgentSocketContext } from './agent-gateway.js';
import { AgentSyncService } from './agent-sync.service.js';
import { PRESENCE_FLUSH_MS, PcPresenceService } from './pc-presence.service.js';

let app: TestApp;
let org: OrgFixture;
let zoneId: string;
beforeAll(async () => {
  app = await startTestApp();
  org = await newOrg(app);
  zoneId = (await newZone(app, org)).id;
});
afterAll(async () => {
  await app?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const presence = () => app.running.app.get(PcPresenceService);
const repo = () => app.running.app.get(AgentGatewayRepository);

async function insertPcs(n: number, values: Partial<typeof pcs.$inferInsert> = {}): Promise<string[]> {
  const rows = await app.database.db
    .insert(pcs)
    .values(Array.from({ length: n }, () => ({ organizationId: org.organizationId, lanCenterId: org.lanCenterId, zoneId, name: uniq('PC-'), ...values })))
    .returning({ id: pcs.id });
  return rows.map((r) => r.id);
}

const rowsOf = (ids: string[]) => app.database.db.select().from(pcs).where(inArray(pcs.id, ids));

function heartbeat(pcId: string) {
  const ctx: AgentSocketContext = {
    pcId,
    credentialId: randomUUID(),
    organizationId: org.organizationId,
    lanCenterId: org.lanCenterId,
    bootId: randomUUID(),
    agentVersion: '0.1.0',
    protocolVersion: AGENT_PROTOCOL_VERSION,
    activeSessionId: null,
  };
  const event = {
    eventId: randomUUID(),
    seq: 1,
    bootId: ctx.bootId,
    monotonicMs: 1,
    wallMs: Date.now(),
    serverMs: Date.now(),
    anchorSource: 'server',
    type: 'heartbeat',
    status: 'locked',
    sessionId: null,
    outboxBacklog: 0,
    rssBytes: 50_000_000,
    agentVersion: '0.1.0',
  };
  return { ctx, batch: { batchId: randomUUID(), events: [event] } };
}

/** One heartbeat from each PC at once; each is acked ok, and only once its row is written. */
async function expectAckedAfterWrite(sync: AgentSyncService, ids: string[]): Promise<void> {
  const before = new Date();
  const acks = await Promise.all(
    ids.map(async (id) => {
      const { ctx, batch } = heartbeat(id);
      const ack = await sync.handle(ctx, batch);
      const [row] = await rowsOf([id]);
      return { ack, eventId: batch.events[0]!.eventId, seenAt: row!.lastHeartbeatAt };
    }),
  );
  for (const { ack, eventId, seenAt } of acks) {
    expect(ack.results).toEqual([{ eventId, ok: true }]);
    expect(seenAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
  }
}

describe('presence batching (heartbeats)', () => {
  it('200 concurrent heartbeats from online PCs: one UPDATE, every ack after it', async () => {
    const ids = await insertPcs(200, { status: 'AVAILABLE', lastHeartbeatAt: new Date(Date.now() - 60_000) });
    const sync = app.running.app.get(AgentSyncService);
    const touch = vi.spyOn(repo(), 'touchOnline');
    const transactions = vi.spyOn(repo(), 'transaction');
    await expectAckedAfterWrite(sync, ids);
    expect(touch).toHaveBeenCalledTimes(1);
    expect(touch.mock.calls[0]![0]).toHaveLength(200);
    expect(transactions).not.toHaveBeenCalled();
    expect((await rowsOf(ids)).every((r) => r.status === 'AVAILABLE')).toBe(true);
  });

  it('200 concurrent heartbeats from PCs coming online: one transaction, every ack after the commit', async () => {
    const ids = await insertPcs(200);
    const sync = app.running.app.get(AgentSyncService);
    const transactions = vi.spyOn(repo(), 'transaction');
    await expectAckedAfterWrite(sync, ids);
    expect(transactions).toHaveBeenCalledTimes(1);
    const rows = await rowsOf(ids);
    expect(rows).toHaveLength(200);
    // New PCs start OFFLINE; a sign of life makes them AVAILABLE.
    expect(rows.every((r) => r.status === 'AVAILABLE' && r.offlineFlaggedAt === null)).toBe(true);
  });

  it('a waiter resolves only once its batch is written, not when the window closes', async () => {
    const old = new Date(Date.now() - 60_000);
    const [id] = await insertPcs(1, { status: 'AVAILABLE', lastHeartbeatAt: old });
    const real = repo().touchOnline.bind(repo());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let written = false;
    vi.spyOn(repo(), 'touchOnline').mockImplementation(async (...args) => {
      await gate;
      const touched = await real(...args);
      written = true;
      return touched;
    });
    let resolved = false;
    const seen = presence()
      .seen(id!)
      .then(() => {
        resolved = true;
        return written;
      });
    await new Promise((r) => setTimeout(r, PRESENCE_FLUSH_MS + 150));
    expect(resolved).toBe(false);
    expect((await rowsOf([id!]))[0]!.lastHeartbeatAt!.getTime()).toBe(old.getTime());
    release();
    expect(await seen).toBe(true);
    expect((await rowsOf([id!]))[0]!.lastHeartbeatAt!.getTime()).toBeGreaterThan(old.getTime());
  });

  it("a heartbeat's ack carries the server time at the midpoint of its wait (the agent's clock anchor stays exact)", async () => {
    const [id] = await insertPcs(1, { status: 'AVAILABLE', lastHeartbeatAt: new Date(Date.now() - 60_000) });
    const { ctx, batch } = heartbeat(id!);
    const before = Date.now();
    const ack = await app.running.app.get(AgentSyncService).handle(ctx, batch);
    const after = Date.now();
    // Held for the batching window…
    expect(after - before).toBeGreaterThanOrEqual(PRESENCE_FLUSH_MS - 5);
    // …and stamped at its middle, not at its end (that would put the agent's clock ~100 ms ahead).
    expect(Math.abs(ack.serverNowMs - (before + after) / 2)).toBeLessThanOrEqual(25);
  });

  it('only a live heartbeat waits for its presence write: a replayed backlog (agent notices, heartbeats) is acked without waiting, and its sign of life is written with the next batch', async () => {
    const [id] = await insertPcs(1, { status: 'AVAILABLE', lastHeartbeatAt: new Date(Date.now() - 60_000) });
    const live = heartbeat(id!);
    await app.running.app.get(AgentSyncService).handle(live.ctx, live.batch);
    const afterLive = (await rowsOf([id!]))[0]!.lastHeartbeatAt!.getTime();
    expect(afterLive).toBeGreaterThan(Date.now() - 10_000);

    // The backlog's presence write is held at a gate: the ack must not wait for it.
    const svc = presence();
    const real = svc.seen.bind(svc);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const written: Promise<void>[] = [];
    vi.spyOn(svc, 'seen').mockImplementation((...args) => {
      const p = gate.then(() => real(...args));
      written.push(p);
      return p;
    });
    const backlog = Array.from({ length: 40 }, (_, i) => ({
      ...heartbeat(id!).batch.events[0]!,
      eventId: randomUUID(),
      seq: i + 2,
      ...(i % 2 ? { type: 'agent.notice', level: 'info', code: 'BACKLOG', message: `offline ${i}` } : {}),
    }));
    await sleep(20);
    const ack = await app.running.app.get(AgentSyncService).handle(live.ctx, { batchId: randomUUID(), events: backlog });
    expect(ack.results.filter((r) => r.ok)).toHaveLength(40);
    expect(written).toHaveLength(1);
    expect((await rowsOf([id!]))[0]!.lastHeartbeatAt!.getTime()).toBe(afterLive);
    open();
    await written[0];
    expect((await rowsOf([id!]))[0]!.lastHeartbeatAt!.getTime()).toBeGreaterThan(afterLive);
  });

  it('connect info (agent and protocol version) is written with the batch', async () => {
    const [a, b] = await insertPcs(2);
    await Promise.all([presence().seen(a!, { agentVersion: '9.9.9', protocolVersion: 1 }), presence().seen(b!)]);
    const rows = new Map((await rowsOf([a!, b!])).map((r) => [r.id, r]));
    expect(rows.get(a!)).toMatchObject({ agentVersion: '9.9.9', protocolVersion: 1 });
    expect(rows.get(b!)).toMatchObject({ agentVersion: null, protocolVersion: null });
    expect(rows.get(b!)!.lastHeartbeatAt).not.toBeNull();
  });

  it('a PC flagged OFFLINE comes back once: one audit entry, one pc.updated, even with repeated signs of life', async () => {
    const flaggedAt = new Date(Date.now() - 60_000);
    const [flagged] = await insertPcs(1, { status: 'OFFLINE', offlineFlaggedAt: flaggedAt, lastHeartbeatAt: new Date(Date.now() - 300_000) });
    const others = await insertPcs(20, { status: 'AVAILABLE', lastHeartbeatAt: new Date() });
    const emitted = vi.spyOn(app.running.app.get(EventBus), 'emit');
    // Same batch (three at once, mixed with other PCs), then a later batch.
    await Promise.all([flagged, flagged, ...others, flagged].map((id) => presence().seen(id!)));
    await presence().seen(flagged!);
    const [row] = await rowsOf([flagged!]);
    expect(row).toMatchObject({ status: 'AVAILABLE', offlineFlaggedAt: null });
    const back = await app.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityId, flagged!), eq(auditLogs.action, 'pc.back_online')));
    expect(back).toHaveLength(1);
    expect(back[0]!.details).toMatchObject({ offlineSince: flaggedAt.toISOString(), sessionId: null });
    const updates = emitted.mock.calls.filter(([name]) => name === 'pc.updated');
    expect(updates.map(([, payload]) => (payload as { pcId: string }).pcId)).toEqual([flagged]);
  });

  it('a retired PC is not brought back', async () => {
    const [retired] = await insertPcs(1, { status: 'OFFLINE', retiredAt: new Date() });
    await presence().seen(retired!);
    const [row] = await rowsOf([retired!]);
    expect(row).toMatchObject({ status: 'OFFLINE', lastHeartbeatAt: null });
  });

  it('a batch that cannot be written is retried once, then its heartbeats get no ack', async () => {
    const [a, b] = await insertPcs(2);
    const failing = vi.spyOn(repo(), 'transaction').mockRejectedValueOnce(new Error('connection lost'));
    await presence().seen(a!);
    expect(failing).toHaveBeenCalledTimes(2);
    expect((await rowsOf([a!]))[0]!.lastHeartbeatAt).not.toBeNull();

    failing.mockReset().mockRejectedValue(new Error('database down'));
    const { ctx, batch } = heartbeat(b!);
    await expect(app.running.app.get(AgentSyncService).handle(ctx, batch)).rejects.toThrow('database down');
    expect((await rowsOf([b!]))[0]!.lastHeartbeatAt).toBeNull();
  });
});
