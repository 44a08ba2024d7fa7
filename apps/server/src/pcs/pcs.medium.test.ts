import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { idem, newCashier, newConsole, newCustomer, newOrg, newPc, newZone, openShift, recharge, setTariff } from '../testing/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('PC remote commands', () => {
  it('need a connected agent, a valid body, and a manager for unlock', async () => {
    const org = await newOrg(app);
    const cashier = await newCashier(app, org);
    const zone = await newZone(app, org);
    const pc = await newPc(app, org, zone.id, 'PC-01');
    const station = await newConsole(app, org, zone.id);
    const send = (id: string, body: unknown, token = cashier.token) => app.request('POST', `/api/v1/pcs/${id}/commands`, { token, body });

    const offline = await send(pc.id, { type: 'lock' });
    expect(offline.status).toBe(504);
    expect(offline.body.error.code).toBe('PC_UNREACHABLE');
    const unlock = await send(pc.id, { type: 'unlock', reason: 'Mantenimiento' });
    expect(unlock.status).toBe(403);
    const noReason = await send(pc.id, { type: 'unlock' }, org.managerToken);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields[0].path).toBe('reason');
    const unknown = await send(pc.id, { type: 'format-disk' });
    expect(unknown.status).toBe(400);
    const emptyMessage = await send(pc.id, { type: 'message', text: '   ' });
    expect(emptyMessage.status).toBe(400);
    const console = await send(station.id, { type: 'shutdown' }, org.managerToken);
    expect(console.body.error.code).toBe('PC_NOT_AVAILABLE');
  });
});

describe('agentless stations', () => {
  it('are available at once; switching a PC to agentless and back updates its status', async () => {
    const org = await newOrg(app);
    const zone = await newZone(app, org);
    const station = await newConsole(app, org, zone.id);
    expect((await app.request('GET', `/api/v1/pcs/${station.id}`, { token: org.managerToken })).body).toMatchObject({ status: 'AVAILABLE', requiresAgent: false });
    const pc = await newPc(app, org, zone.id);
    const toStation = await app.request('PATCH', `/api/v1/pcs/${pc.id}`, { token: org.managerToken, body: { requiresAgent: false } });
    expect(toStation.body).toMatchObject({ status: 'AVAILABLE', requiresAgent: false });
    const back = await app.request('PATCH', `/api/v1/pcs/${pc.id}`, { token: org.managerToken, body: { requiresAgent: true } });
    expect(back.body).toMatchObject({ status: 'OFFLINE', requiresAgent: true });
  });
});

describe('floor tiles show when a balance-paid session runs out', () => {
  it('hardEndAt = now + what the live balance still buys at the session’s rate', async () => {
    const org = await newOrg(app);
    const cashier = await newCashier(app, org);
    const zone = await newZone(app, org);
    await setTariff(app, org, zone.id, { ratePerHourMinor: 360_000, granularity: 'second', minimumChargeMinor: 0 }); // 1.00 per second
    const station = await newConsole(app, org, zone.id);
    await openShift(app, org, cashier.token);
    const customer = await newCustomer(app, org);
    await recharge(app, org, cashier.token, customer.id, 3000); // 30 seconds of play
    const started = await app.request('POST', '/api/v1/sessions', { token: cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId: station.id, customerId: customer.id } });
    expect(started.status).toBe(201);
    const pc = await app.request('GET', `/api/v1/pcs/${station.id}`, { token: cashier.token });
    const endsInMs = Date.parse(pc.body.session.hardEndAt) - Date.parse(started.body.startedAt);
    expect(endsInMs).toBeGreaterThanOrEqual(29_000);
    expect(endsInMs).toBeLessThanOrEqual(31_000);
    await app.request('POST', `/api/v1/sessions/${started.body.id}/end`, { token: cashier.token, body: {} });
  });
});
