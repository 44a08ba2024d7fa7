/**
 * Guest tickets (S7) on real processes: the built server, one real PC agent and Chromium.
 * The cashier sells a ticket in the console → the code shown once → typed on the PC's own lock
 * screen → the PC unlocks at the guest rate with the ticket's money → the session ends → the
 * cashier closes the ticket and gives back exactly what is left, in the shift.
 * Screenshots: artifacts/screenshots/guest-tickets-*.png (1366×768).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { AgentProcess } from '../../server/src/agent-gateway/testing/agent-process';
import { type ServerProcess, launchBrowser, newPage, shot, startServer } from './harness';

const PASSWORD = 'clave-segura-123';
const cashier = { name: 'Carla Cajera', username: 'carla', password: 'clave-cajera-1' };

let server: ServerProcess;
let dataDir: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let agent: AgentProcess;
let managerToken = '';
let cashierToken = '';

const dialog = (page: Page) => page.locator('dialog[open]');

async function api<T = any>(method: string, url: string, body?: unknown, token = managerToken, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'econtrol-guest-e2e-'));
  server = await startServer({ dataDir, env: { SESSION_ACK_TIMEOUT_MS: '5000', HEARTBEAT_INTERVAL_S: '5' } });
  const signup = await api('POST', '/api/v1/signup', {
    organizationName: 'Arena Lima SAC',
    currency: 'PEN',
    lanCenter: { name: 'Arena Lima', timezone: 'America/Lima' },
    manager: { name: 'Gina Gerente', email: 'gina@arena.pe', username: 'gina', password: PASSWORD },
  });
  managerToken = signup.auth.accessToken;
  const lanCenterId: string = signup.lanCenter.id;
  const general = await api('POST', `/api/v1/lan-centers/${lanCenterId}/zones`, { name: 'General' });
  await api('PUT', `/api/v1/zones/${general.id}/tariff`, { ratePerHourMinor: 300, memberRatePerHourMinor: 250, granularity: 'second', minimumChargeMinor: 50 });
  const vip = await api('POST', `/api/v1/lan-centers/${lanCenterId}/zones`, { name: 'VIP' });
  await api('PUT', `/api/v1/zones/${vip.id}/tariff`, { ratePerHourMinor: 500 });
  const pc = await api('POST', `/api/v1/lan-centers/${lanCenterId}/pcs`, { name: 'PC-01', zoneId: general.id });
  await api('POST', '/api/v1/staff', { ...cashier, role: 'CASHIER', lanCenterIds: [lanCenterId] });
  cashierToken = (await api('POST', '/api/v1/auth/login', { login: cashier.username, password: cashier.password, tokenMode: 'bearer' }, '')).accessToken;
  await api('POST', '/api/v1/shifts/open', { lanCenterId, openingFloatMinor: 5_000 }, cashierToken);
  const { code } = await api('POST', `/api/v1/pcs/${pc.id}/pairing-code`);
  agent = await AgentProcess.start({ serverUrl: server.baseUrl, pairingCode: code });
  await agent.waitFor((s) => s.connection === 'online', 15_000, 'online');
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await agent?.dispose();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('guest tickets (server + agent + Chromium)', () => {
  it('sell at the counter → code on the lock screen → guest session → close with the rest refunded', async () => {
    const page = await newPage({ browser });
    const pcPage = await newPage({ browser });
    onTestFailed(async () => {
      console.error(`── server log ──\n${server.log().split('\n').slice(-30).join('\n')}\n── agent log ──\n${agent.logs.slice(-30).join('\n')}`);
      await shot(page, 'guest-tickets-failed').catch(() => undefined);
    });
    await page.goto(`${server.baseUrl}/login/`);
    await page.fill('input[name="login"]', cashier.username);
    await page.fill('input[name="password"]', cashier.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.waitForURL(`${server.baseUrl}/`);

    // Sell: S/ 10.00 in cash → the code, big, with what it buys per zone at the guest rate
    await page.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('heading', { name: 'Tickets de invitado' }).waitFor();
    await page.getByText('No hay tickets abiertos').waitFor();
    await page.getByRole('button', { name: 'Vender ticket' }).first().click();
    await dialog(page).locator('input[name="amount"]').fill('10');
    await dialog(page).getByRole('radio', { name: 'Efectivo' }).click();
    await dialog(page).getByRole('button', { name: 'Cobrar y generar código' }).dblclick();
    const codeBox = dialog(page).getByTestId('guest-code');
    await codeBox.waitFor();
    const code = (await codeBox.textContent()) ?? '';
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    await dialog(page).getByText('General 3:20 h').waitFor(); // S/ 10.00 at S/ 3.00/h
    await dialog(page).getByText('VIP 2:00 h').waitFor();
    await page.mouse.move(0, 0);
    await shot(page, 'guest-tickets-sold');
    await dialog(page).getByRole('button', { name: 'Listo' }).click();
    const row = page.locator('tr[data-ticket-id]');
    await row.getByText('Disponible').waitFor();
    expect(await row.count()).toBe(1); // the double click sold one ticket
    const name = (await row.locator('td').first().textContent()) ?? '';
    expect(name).toBe(`Invitado ··${code.slice(-2)}`);

    // The guest types it on the PC's lock screen (lower case, a space instead of the dash)
    await pcPage.goto(`http://127.0.0.1:${agent.port}/`);
    await pcPage.locator('#code').fill('ZZZZ-ZZZZ');
    await pcPage.locator('#guestForm button[type="submit"]').click();
    await pcPage.locator('#guestErr').getByText('Usuario o contraseña incorrectos.').waitFor();
    await pcPage.locator('#code').fill(code.toLowerCase().replace('-', ' '));
    await pcPage.locator('#guestForm button[type="submit"]').click();
    await pcPage.locator('#overlay').waitFor({ state: 'visible' });
    await pcPage.locator('#who').getByText(name).waitFor();
    const running = await agent.waitFor((s) => s.session.phase === 'in_session', 10_000, 'in session');
    const session = await api('GET', `/api/v1/sessions/${running.session.sessionId}`, undefined, cashierToken);
    expect(session.kind).toBe('GUEST_PREPAID');
    await shot(pcPage, 'guest-tickets-pc-overlay');
    await page.reload();
    await row.getByText('En uso').waitFor();
    expect(await row.getByRole('button', { name: 'Cerrar y devolver' }).isDisabled()).toBe(true);

    // The session ends; what is left stays on the ticket; the cashier closes it and gives it back
    await new Promise((r) => setTimeout(r, 2_000));
    const ended = await api('POST', `/api/v1/sessions/${session.id}/end`, {}, cashierToken);
    expect(ended.chargedMinor).toBeGreaterThan(0);
    const left = 1_000 - ended.chargedMinor;
    await page.reload();
    await row.getByText('Disponible').waitFor();
    await shot(page, 'guest-tickets');
    await row.getByRole('button', { name: 'Cerrar y devolver' }).click();
    const refundText = `S/ ${(left / 100).toFixed(2)}`;
    expect(((await dialog(page).getByTestId('refund-amount').textContent()) ?? '').replace(/\s/g, ' ')).toBe(refundText);
    await shot(page, 'guest-tickets-close');
    await dialog(page).getByRole('button', { name: 'Cerrar ticket' }).click();
    await page.getByText(`Ticket ${name} cerrado: devuelve`).waitFor();
    await page.getByText('No hay tickets abiertos').waitFor();
    const shift = await api('GET', '/api/v1/shifts/current', undefined, cashierToken);
    expect(shift.totals.cashInMinor).toBe(1_000);
    expect(shift.totals.cashOutMinor).toBe(left);

    // A closed ticket's code opens nothing any more
    await pcPage.locator('#lock').waitFor({ state: 'visible' });
    await pcPage.locator('#code').fill(code);
    await pcPage.locator('#guestForm button[type="submit"]').click();
    await pcPage.locator('#guestErr').getByText('Usuario o contraseña incorrectos.').waitFor();
    await page.context().close();
    await pcPage.context().close();
  });

  it('the page in English', async () => {
    const page = await newPage({ browser });
    await page.goto(`${server.baseUrl}/login/`);
    await page.fill('input[name="login"]', cashier.username);
    await page.fill('input[name="password"]', cashier.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('button', { name: 'en', exact: true }).first().click();
    await page.getByRole('link', { name: 'Guest tickets' }).click();
    await page.getByRole('heading', { name: 'Guest tickets' }).waitFor();
    await page.getByRole('button', { name: 'Sell ticket' }).first().waitFor();
    await page.context().close();
  });
});
