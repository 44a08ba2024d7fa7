import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

export const uniq = (prefix = 'x') => `${prefix}${randomBytes(5).toString('hex')}`;
export const PASSWORD = 'clave-segura-123';

export interface OrgFixture {
  organizationId: string;
  lanCenterId: string;
  managerId: string;
  managerToken: string;
  managerLogin: string;
  refreshToken: string;
}

/** Signs up a fresh company (own tenant), returning the manager's bearer tokens. */
export async function newOrg(app: TestApp, overrides: { timezone?: string; currency?: string } = {}): Promise<OrgFixture> {
  const login = uniq('mgr');
  const res = await app.request('POST', '/api/v1/signup', {
    body: {
      organizationName: `Arena ${login}`,
      currency: overrides.currency ?? 'PEN',
      lanCenter: { name: 'Arena Lima', timezone: overrides.timezone ?? 'America/Lima' },
      manager: { name: 'Ana Gerente', email: `${login}@example.com`, username: login, password: PASSWORD },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    organizationId: res.body.organization.id,
    lanCenterId: res.body.lanCenter.id,
    managerId: res.body.auth.user.id,
    managerToken: res.body.auth.accessToken,
    refreshToken: res.body.auth.refreshToken,
    managerLogin: login,
  };
}

export async function login(app: TestApp, loginName: string, password = PASSWORD): Promise<{ token: string; refreshToken: string; body: any }> {
  const res = await app.request('POST', '/api/v1/auth/login', { body: { login: loginName, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { token: res.body.accessToken, refreshToken: res.body.refreshToken, body: res.body };
}

export async function newCashier(app: TestApp, org: OrgFixture): Promise<{ id: string; token: string; login: string }> {
  const username = uniq('caj');
  const res = await app.request('POST', '/api/v1/staff', {
    token: org.managerToken,
    body: { name: 'Carlos Cajero', username, password: PASSWORD, role: 'CASHIER', lanCenterIds: [org.lanCenterId] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const { token } = await login(app, username);
  return { id: res.body.id, token, login: username };
}

export async function newZone(app: TestApp, org: OrgFixture, name = uniq('Zona ')): Promise<{ id: string }> {
  const res = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, {
    token: org.managerToken,
    body: { name },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function newPc(app: TestApp, org: OrgFixture, zoneId: string, name = uniq('PC-')): Promise<{ id: string; name: string }> {
  const res = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/pcs`, {
    token: org.managerToken,
    body: { name, zoneId },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function newCustomer(app: TestApp, org: OrgFixture, overrides: Record<string, unknown> = {}): Promise<{ id: string; username: string }> {
  const username = uniq('cli');
  const res = await app.request('POST', '/api/v1/customers', {
    token: org.managerToken,
    body: { name: 'Luis Cliente', username, password: PASSWORD, ...overrides },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export const idem = () => `test-${randomBytes(8).toString('hex')}`;

export async function setTariff(app: TestApp, org: OrgFixture, zoneId: string, tariff: Record<string, unknown>): Promise<any> {
  const res = await app.request('PUT', `/api/v1/zones/${zoneId}/tariff`, { token: org.managerToken, body: tariff });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A station without an agent (console): sessions start at once from the counter. */
export async function newConsole(app: TestApp, org: OrgFixture, zoneId: string, name = uniq('PS5-')): Promise<{ id: string; name: string }> {
  const res = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/pcs`, {
    token: org.managerToken,
    body: { name, zoneId, requiresAgent: false },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function openShift(app: TestApp, org: OrgFixture, token: string, openingFloatMinor = 10_000): Promise<any> {
  const res = await app.request('POST', '/api/v1/shifts/open', { token, body: { lanCenterId: org.lanCenterId, openingFloatMinor } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function recharge(app: TestApp, org: OrgFixture, token: string, customerId: string, amountMinor: number, key = idem(), paymentMethod = 'CASH') {
  return app.request('POST', `/api/v1/customers/${customerId}/recharges`, {
    token,
    headers: { 'idempotency-key': key },
    body: { lanCenterId: org.lanCenterId, amountMinor, paymentMethod },
  });
}

export async function balanceOf(app: TestApp, token: string, customerId: string): Promise<number> {
  const res = await app.request('GET', `/api/v1/customers/${customerId}/account`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.balanceMinor;
}

/** Sells a guest ticket at the counter (the token's owner needs an open shift): its one-time code and account. */
export async function newGuestTicket(
  app: TestApp,
  org: OrgFixture,
  token: string,
  amountMinor = 1_000,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; code: string; customerId: string; sale: any }> {
  const res = await app.request('POST', '/api/v1/guest-tickets', {
    token,
    headers: { 'idempotency-key': idem() },
    body: { lanCenterId: org.lanCenterId, amountMinor, paymentMethod: 'CASH', ...overrides },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.ticket.id, code: res.body.code, customerId: res.body.ticket.customerId, sale: res.body };
}
