import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { PASSWORD, newCashier, newCustomer, newOrg, newPc, newZone, uniq, type OrgFixture } from '../testing/factories.js';

let app: TestApp;
let a: OrgFixture;
let b: OrgFixture;
let bIds: { lan: string; zone: string; pc: string; customer: string; staff: string };

beforeAll(async () => {
  app = await startTestApp();
  a = await newOrg(app);
  b = await newOrg(app);
  const zone = await newZone(app, b, 'VIP secreta');
  const pc = await newPc(app, b, zone.id, 'PC-SECRET');
  const customer = await newCustomer(app, b, { name: 'Cliente Secreto' });
  const cashier = await newCashier(app, b);
  bIds = { lan: b.lanCenterId, zone: zone.id, pc: pc.id, customer: customer.id, staff: cashier.id };
});
afterAll(async () => {
  await app.close();
});

function expectNoLeak(res: { status: number; body: unknown }) {
  expect(res.status).toBe(404);
  const text = JSON.stringify(res.body);
  expect((res.body as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  for (const secret of ['VIP secreta', 'PC-SECRET', 'Cliente Secreto', 'Carlos', ...Object.values(bIds)]) {
    expect(text).not.toContain(secret);
  }
}

describe('tenancy: another company’s rows by id are 404 and leak nothing', () => {
  const cases = (): [string, string, unknown?][] => [
    ['GET', `/api/v1/lan-centers/${bIds.lan}`],
    ['PATCH', `/api/v1/lan-centers/${bIds.lan}`, { name: 'Hacked' }],
    ['GET', `/api/v1/lan-centers/${bIds.lan}/zones`],
    ['POST', `/api/v1/lan-centers/${bIds.lan}/zones`, { name: 'Intrusa' }],
    ['GET', `/api/v1/lan-centers/${bIds.lan}/pcs`],
    ['GET', `/api/v1/zones/${bIds.zone}`],
    ['PATCH', `/api/v1/zones/${bIds.zone}`, { name: 'Hacked' }],
    ['DELETE', `/api/v1/zones/${bIds.zone}`],
    ['GET', `/api/v1/pcs/${bIds.pc}`],
    ['PATCH', `/api/v1/pcs/${bIds.pc}`, { name: 'Hacked' }],
    ['DELETE', `/api/v1/pcs/${bIds.pc}`],
    ['POST', `/api/v1/pcs/${bIds.pc}/pairing-code`],
    ['GET', `/api/v1/customers/${bIds.customer}`],
    ['PATCH', `/api/v1/customers/${bIds.customer}`, { name: 'Hacked' }],
    ['GET', `/api/v1/lan-centers/${bIds.lan}/sessions`],
    ['GET', `/api/v1/lan-centers/${bIds.lan}/shifts`],
    ['POST', '/api/v1/shifts/open', { lanCenterId: bIds.lan, openingFloatMinor: 0 }],
    ['GET', `/api/v1/transactions?lanCenterId=${bIds.lan}`],
    ['GET', `/api/v1/staff/${bIds.staff}`],
    ['PATCH', `/api/v1/staff/${bIds.staff}`, { name: 'Hacked' }],
  ];

  it('manager of A cannot read or change B’s LAN center, zones, PCs, customers, staff', async () => {
    for (const [method, url, body] of cases()) {
      const res = await app.request(method, url, { token: a.managerToken, ...(body ? { body } : {}) });
      try {
        expectNoLeak(res);
      } catch (error) {
        throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`, { cause: error });
      }
    }
    // nothing changed on B's side
    const zone = await app.request('GET', `/api/v1/zones/${bIds.zone}`, { token: b.managerToken });
    expect(zone.body.name).toBe('VIP secreta');
    const pc = await app.request('GET', `/api/v1/pcs/${bIds.pc}`, { token: b.managerToken });
    expect(pc.body.name).toBe('PC-SECRET');
    const customer = await app.request('GET', `/api/v1/customers/${bIds.customer}`, { token: b.managerToken });
    expect(customer.body.name).toBe('Cliente Secreto');
  });

  it('lists are scoped: A’s customer search never returns B’s customers', async () => {
    await newCustomer(app, a, { name: 'Cliente de A' });
    const res = await app.request('GET', '/api/v1/customers?q=Cliente', { token: a.managerToken });
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(['Cliente de A']);
    const staff = await app.request('GET', '/api/v1/staff', { token: a.managerToken });
    expect(staff.body.map((s: { id: string }) => s.id)).toEqual([a.managerId]);
  });

  it('a zone of another company cannot be used to create a PC', async () => {
    const res = await app.request('POST', `/api/v1/lan-centers/${a.lanCenterId}/pcs`, {
      token: a.managerToken,
      body: { name: 'PC-01', zoneId: bIds.zone },
    });
    expect(res.status).toBe(404);
  });

  it('a cashier only reaches the LAN centers they work at', async () => {
    const second = await app.request('POST', '/api/v1/lan-centers', { token: a.managerToken, body: { name: 'Arena Miraflores' } });
    expect(second.status).toBe(201);
    const cashier = await newCashier(app, a);
    const own = await app.request('GET', `/api/v1/lan-centers/${a.lanCenterId}/pcs`, { token: cashier.token });
    expect(own.status).toBe(200);
    const other = await app.request('GET', `/api/v1/lan-centers/${second.body.id}/pcs`, { token: cashier.token });
    expect(other.status).toBe(404);
    const list = await app.request('GET', '/api/v1/lan-centers', { token: cashier.token });
    expect(list.body.map((l: { id: string }) => l.id)).toEqual([a.lanCenterId]);
  });

  it('staff cannot be attached to another company’s LAN center', async () => {
    const res = await app.request('POST', '/api/v1/staff', {
      token: a.managerToken,
      body: { name: 'X', username: uniq('u'), password: PASSWORD, role: 'CASHIER', lanCenterIds: [bIds.lan] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].path).toBe('lanCenterIds');
  });
});
