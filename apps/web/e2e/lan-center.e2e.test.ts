/**
 * Issue 6: a whole small LAN center on real processes — the built server, 3 real PC agents
 * (apps/agent/dist/agent.mjs, enrolled through pairing codes) and Chromium driving the console
 * and one agent's own lock screen / overlay page.
 *
 * Cashier: opens a shift → recharges a customer 20.00 in cash → starts a session on PC-02 from
 * the floor → the agent unlocks, the tile shows it running, the overlay shows time and balance →
 * a few seconds later ends it from the floor → the charge is `priceSession` to the cent, balance
 * and ledger agree, the PC is locked → the shift closes with the right cash. Then the same with
 * the server stopped (SIGTERM) for part of the session and started again on the same port and
 * data dir. Finally `npm run ledger:verify` runs against the test's data dir.
 *
 * Screenshots of every step: artifacts/screenshots/walkthrough/NN-step.png (1366×768).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { priceSession } from '@econtrol/billing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  AgentProcess,
  sleep,
  waitUntil,
} from '../../server/src/agent-gateway/testing/agent-process';
import {
  type ServerProcess,
  launchBrowser,
  newPage,
  repoRoot,
  screenshotDir,
  shot,
  startServer,
} from './harness';

// Per-second billing, S/ 0.10 a second: a few seconds of real time make a visible, exact charge.
const TARIFF = { name: 'Prueba por segundo', ratePerHourMinor: 36_000, granularity: 'second', minimumChargeMinor: 0 };
const SERVER_ENV = { SESSION_ACK_TIMEOUT_MS: '5000', HEARTBEAT_INTERVAL_S: '5', PC_OFFLINE_AFTER_S: '30' };
const PASSWORD = 'clave-segura-123';
const cashier = { name: 'Carla Cajera', username: 'carla', password: 'clave-cajera-1' };

let server: ServerProcess;
let dataDir: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const agents = new Map<string, AgentProcess>();
let managerToken = '';
let lanCenterId = '';
const pcIds = new Map<string, string>();
let customer = { id: '', name: 'Diego Ramírez' };
let step = 0;

const walkthrough = path.join(screenshotDir, 'walkthrough');
const snap = (page: Page, name: string) => shot(page, `walkthrough/${String(++step).padStart(2, '0')}-${name}`);
const dialog = (page: Page) => page.locator('dialog[open]');
const tile = (page: Page, pc: string) => page.locator(`[data-pc-id="${pcIds.get(pc)}"]`);

async function api<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(managerToken ? { authorization: `Bearer ${managerToken}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/login/`);
  await page.fill('input[name="login"]', cashier.username);
  await page.fill('input[name="password"]', cashier.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.waitForURL(`${server.baseUrl}/`);
}

async function openShift(page: Page, float: string): Promise<void> {
  await page.getByRole('link', { name: 'Caja' }).click();
  await page.locator('input[name="float"]').fill(float);
  await page.getByRole('button', { name: 'Abrir caja' }).click();
  await page.getByRole('button', { name: 'Cerrar caja' }).waitFor();
}

async function rechargeCash(page: Page, amount: string, expectBalance: string): Promise<void> {
  await page.goto(`${server.baseUrl}/customers/detail/?id=${customer.id}`);
  await page.getByRole('heading', { name: new RegExp(customer.name) }).waitFor();
  await page.getByRole('button', { name: 'Recargar saldo' }).click();
  await dialog(page).locator('input[name="amount"]').fill(amount);
  await dialog(page).getByRole('radio', { name: 'Efectivo' }).click();
  await dialog(page).getByRole('button', { name: 'Recargar', exact: true }).click();
  await dialog(page).waitFor({ state: 'detached' });
  await page.locator('[data-testid="account"]').getByText(expectBalance).first().waitFor();
}

async function startOnFloor(page: Page, pc: string): Promise<void> {
  await page.getByRole('link', { name: 'Sala' }).click();
  await page.waitForURL(`${server.baseUrl}/`);
  await tile(page, pc).click();
  await dialog(page).getByRole('button', { name: 'Iniciar sesión' }).click();
  await dialog(page).getByRole('searchbox').fill('Diego');
  await dialog(page).getByRole('option', { name: new RegExp(customer.name) }).click();
  await dialog(page).getByRole('button', { name: `Iniciar para ${customer.name}` }).click();
  try {
    await page.getByText(`Sesión iniciada en ${pc}`).first().waitFor();
  } catch (error) {
    await shot(page, 'walkthrough/debug-start');
    throw error;
  }
}

async function endOnFloor(page: Page, pc: string): Promise<void> {
  await tile(page, pc).click();
  await dialog(page).getByRole('button', { name: 'Terminar', exact: true }).click();
  await dialog(page).getByText(`¿Terminar la sesión en ${pc}?`).waitFor();
  await dialog(page).getByRole('button', { name: 'Terminar', exact: true }).click();
  await page.getByText(`Sesión terminada en ${pc}`).first().waitFor();
}

async function closeShift(page: Page, expected: string, counted: string): Promise<void> {
  await page.getByRole('link', { name: 'Caja' }).click();
  await page.locator('[data-testid="shift-cash"]').getByText(expected).waitFor();
  await page.getByRole('button', { name: 'Cerrar caja' }).click();
  await dialog(page).locator('input[name="counted"]').fill(counted);
  await dialog(page).getByText('S/ 0.00').waitFor();
  await dialog(page).getByRole('button', { name: 'Cerrar caja' }).click();
  await page.getByText('Caja cerrada').waitFor();
  const cash = ((await page.locator('[data-testid="shift-cash"]').textContent()) ?? '').replace(/\s/g, ' ');
  expect(cash).toContain(`Efectivo esperado${expected}`);
  expect(cash).toContain('DescuadreS/ 0.00');
}

interface SessionBody {
  id: string;
  status: string;
  startedAt: string;
  endedAt: string;
  billedSeconds: number;
  chargedMinor: number;
  costMinor: number;
  uncollectedMinor: number;
  tariff: { ratePerHourMinor: number; granularity: 'second' | 'minute'; minimumChargeMinor: number };
}

/**
 * The session as the API reports it, checked against the billing engine and the ledger:
 * charge = priceSession(billed seconds) to the cent, one SESSION_PAYMENT for exactly that,
 * and the customer's balance = the sum of their ledger rows.
 */
async function checkMoney(sessionId: string, balanceBefore: number): Promise<SessionBody> {
  const s = await api<SessionBody>('GET', `/api/v1/sessions/${sessionId}`);
  expect(s.status).toBe('COMPLETED');
  const wallSeconds = (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000;
  expect(s.billedSeconds).toBeGreaterThan(0);
  expect(s.billedSeconds).toBeLessThanOrEqual(Math.ceil(wallSeconds) + 1);
  const startMs = Date.parse(s.startedAt);
  const quote = priceSession({
    tariff: { timezone: 'America/Lima', rules: [], ...s.tariff },
    member: true,
    intervals: [{ startMs, endMs: startMs + s.billedSeconds * 1000 }],
  });
  expect(quote.billedSeconds).toBe(s.billedSeconds);
  expect(s.costMinor).toBe(quote.amountMinor);
  expect(s.chargedMinor).toBe(quote.amountMinor);
  expect(s.uncollectedMinor).toBe(0);
  const tx = await api<{ items: { type: string; amountMinor: number; balanceAfterMinor: number }[] }>(
    'GET',
    `/api/v1/transactions?sessionId=${sessionId}`,
  );
  const payments = tx.items.filter((t) => t.type === 'SESSION_PAYMENT');
  expect(payments).toHaveLength(1);
  expect(payments[0]!.amountMinor).toBe(-quote.amountMinor);
  const account = await api<{ balanceMinor: number }>('GET', `/api/v1/customers/${customer.id}/account`);
  expect(account.balanceMinor).toBe(balanceBefore - quote.amountMinor);
  expect(payments[0]!.balanceAfterMinor).toBe(account.balanceMinor);
  const all = await api<{ items: { amountMinor: number }[] }>(
    'GET',
    `/api/v1/transactions?customerId=${customer.id}&limit=200`,
  );
  expect(all.items.reduce((sum, t) => sum + t.amountMinor, 0)).toBe(account.balanceMinor);
  return s;
}

/** On failure: what the server and PC-02's agent said, and where each page was. */
function diagnoseOnFailure(pages: Page[]): void {
  onTestFailed(async () => {
    console.error(`── server log (tail) ──\n${server.log().split('\n').slice(-40).join('\n')}`);
    console.error(`── PC-02 agent log (tail) ──\n${agents.get('PC-02')!.logs.slice(-40).join('\n')}`);
    for (const [i, p] of pages.entries()) {
      if (p.isClosed()) continue;
      console.error(`page ${i}: ${p.url()}`);
      await shot(p, `walkthrough/failed-${i}`).catch(() => undefined);
    }
  });
}

const balanceOf = async () =>
  (await api<{ balanceMinor: number }>('GET', `/api/v1/customers/${customer.id}/account`)).balanceMinor;

beforeAll(async () => {
  rmSync(walkthrough, { recursive: true, force: true });
  mkdirSync(walkthrough, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'econtrol-lan-e2e-'));
  server = await startServer({ dataDir, env: SERVER_ENV });

  // The owner's set-up goes through the REST API (the console's own e2e test covers it in the UI).
  const signup = await api('POST', '/api/v1/signup', {
    organizationName: 'Arena Lima SAC',
    currency: 'PEN',
    lanCenter: { name: 'Arena Lima', timezone: 'America/Lima' },
    manager: { name: 'Gina Gerente', email: 'gina@arena.pe', username: 'gina', password: PASSWORD },
  });
  managerToken = signup.auth.accessToken;
  lanCenterId = signup.lanCenter.id;
  const zone = await api('POST', `/api/v1/lan-centers/${lanCenterId}/zones`, { name: 'General' });
  await api('PUT', `/api/v1/zones/${zone.id}/tariff`, TARIFF);
  for (const name of ['PC-01', 'PC-02', 'PC-03']) {
    const pc = await api('POST', `/api/v1/lan-centers/${lanCenterId}/pcs`, { name, zoneId: zone.id });
    pcIds.set(name, pc.id);
  }
  await api('POST', '/api/v1/staff', { ...cashier, role: 'CASHIER', lanCenterIds: [lanCenterId] });
  const c = await api('POST', '/api/v1/customers', {
    name: customer.name,
    username: 'diego',
    password: PASSWORD,
    phone: '987 654 321',
  });
  customer = { id: c.id, name: customer.name };

  // Three real agents, enrolled with one-time pairing codes.
  await Promise.all(
    [...pcIds].map(async ([name, id]) => {
      const { code } = await api('POST', `/api/v1/pcs/${id}/pairing-code`);
      const agent = await AgentProcess.start({ serverUrl: server.baseUrl, pairingCode: code });
      agents.set(name, agent);
    }),
  );
  await Promise.all([...agents.values()].map((a) => a.waitFor((s) => s.connection === 'online', 15_000, 'online')));
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await Promise.all([...agents.values()].map((a) => a.dispose()));
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a LAN center on real processes (server + 3 agents + Chromium)', () => {
  it('shift → cash recharge → session on PC-02 from the floor → exact charge → PC locked → shift closes', async () => {
    const pc02 = agents.get('PC-02')!;
    const page = await newPage({ browser });
    const pcPage = await newPage({ browser });
    diagnoseOnFailure([page, pcPage]);

    // The PC's lock screen (its own local page, as the kiosk browser shows it).
    await pcPage.goto(`http://127.0.0.1:${pc02.port}/`);
    await pcPage.locator('#accountForm').waitFor();
    await snap(pcPage, 'lock-screen');

    await signIn(page);
    await page.locator('[data-pc-id]').nth(2).waitFor();
    await snap(page, 'floor-idle');
    await openShift(page, '100');
    await snap(page, 'shift-open');
    await rechargeCash(page, '20', 'S/ 20.00');
    await snap(page, 'recharge');
    const balanceBefore = await balanceOf();
    expect(balanceBefore).toBe(2000);

    await startOnFloor(page, 'PC-02');
    const running = await pc02.waitFor((s) => s.session.phase === 'in_session', 10_000, 'PC-02 in session');
    expect(running.locked).toBe(false);
    const sessionId = running.session.sessionId!;
    await page.keyboard.press('Escape');
    await tile(page, 'PC-02').and(page.locator('[data-status="OCCUPIED"]')).waitFor();
    await expect(tile(page, 'PC-02').textContent()).resolves.toContain(customer.name);
    expect((await agents.get('PC-01')!.status()).locked).toBe(true);

    // The overlay on the PC: time left and balance.
    await pcPage.locator('#overlay').waitFor({ state: 'visible' });
    await pcPage.locator('#who').getByText(customer.name).waitFor();
    await waitUntil(async () => (await pcPage.locator('#cost').textContent())?.startsWith('S/'), 5_000, 'overlay cost');
    expect(await pcPage.locator('#balance').textContent()).toMatch(/^S\/\s?\d+\.\d\d$/);
    expect(await pcPage.locator('#left').textContent()).toMatch(/^\d+:\d\d$/);

    // A few seconds of real time (deliberate), then the cashier ends it from the floor.
    await sleep(3_000);
    await snap(pcPage, 'overlay');
    await snap(page, 'floor-live');
    await endOnFloor(page, 'PC-02');
    const locked = await pc02.waitFor((s) => s.session.phase === 'locked' && s.locked, 10_000, 'PC-02 locked');
    expect(locked.session.sessionId).toBeNull();
    await page.keyboard.press('Escape');
    await tile(page, 'PC-02').and(page.locator('[data-status="AVAILABLE"]')).waitFor();
    await snap(page, 'session-ended');
    await pcPage.locator('#accountForm').waitFor({ state: 'visible' });

    const s = await checkMoney(sessionId, balanceBefore);
    expect(s.billedSeconds).toBeGreaterThanOrEqual(3);
    expect(s.billedSeconds).toBeLessThanOrEqual(12);

    // Cash: float 100 + recharge 20 (the session was paid from the balance, not at the counter).
    await closeShift(page, 'S/ 120.00', '120');
    await snap(page, 'shift-closed');
    await page.context().close();
    await pcPage.context().close();
  });

  it('the same with the server stopped for part of the session: the agent bills offline, reconnects, amounts exact', async () => {
    const pc02 = agents.get('PC-02')!;
    const page = await newPage({ browser });
    const pcPage = await newPage({ browser });
    diagnoseOnFailure([page, pcPage]);
    await signIn(page);
    await openShift(page, '50');
    const left = await balanceOf();
    await rechargeCash(page, '10', `S/ ${((left + 1000) / 100).toFixed(2)}`);
    const balanceBefore = await balanceOf();
    expect(balanceBefore).toBe(left + 1000);

    await startOnFloor(page, 'PC-02');
    const running = await pc02.waitFor((s) => s.session.phase === 'in_session', 10_000, 'PC-02 in session');
    const sessionId = running.session.sessionId!;
    await page.keyboard.press('Escape');
    await tile(page, 'PC-02').and(page.locator('[data-status="OCCUPIED"]')).waitFor();
    await pcPage.goto(`http://127.0.0.1:${pc02.port}/`);
    await pcPage.locator('#overlay').waitFor({ state: 'visible' });

    // Outage: the server goes away (graceful SIGTERM) while the customer plays.
    await sleep(1_500);
    await server.stop();
    const offline = await pc02.waitFor((s) => s.connection !== 'online', 10_000, 'agent offline');
    expect(offline.session.phase).toBe('in_session');
    await pcPage.locator('#offline').waitFor({ state: 'visible' });
    await sleep(3_000); // deliberate: seconds played while the server is down
    const during = await pc02.status();
    expect(during.session.phase).toBe('in_session');
    expect(during.session.usedSeconds).toBeGreaterThanOrEqual(4);
    await snap(pcPage, 'overlay-offline');

    // Back on the same port and data dir: the agent reconnects by itself and syncs its journal.
    await server.start();
    await pc02.waitFor((s) => s.connection === 'online', 15_000, 'agent back online');
    await pcPage.locator('#offline').waitFor({ state: 'hidden' });
    await page.reload();
    await tile(page, 'PC-02').and(page.locator('[data-status="OCCUPIED"]')).waitFor({ timeout: 15_000 });
    await snap(page, 'floor-after-outage');
    await endOnFloor(page, 'PC-02');
    await pc02.waitFor((s) => s.session.phase === 'locked' && s.locked, 10_000, 'PC-02 locked');
    await page.keyboard.press('Escape');
    await tile(page, 'PC-02').and(page.locator('[data-status="AVAILABLE"]')).waitFor();

    const s = await checkMoney(sessionId, balanceBefore);
    // It ran through the outage: ≥ 1.5 s before + 3 s during (+ reconnect) are all billed.
    expect(s.billedSeconds).toBeGreaterThanOrEqual(5);
    expect(s.billedSeconds).toBeLessThanOrEqual(30);

    await closeShift(page, 'S/ 60.00', '60');
    await page.context().close();
    await pcPage.context().close();
  });

  it('ledger:verify on the data dir: every balance and every session cost recomputes with 0 cents of drift', async () => {
    await server.stop();
    const verify = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/run-server-tool.mjs'), 'ledger/ledger-verify.cli.js'], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const out = `${verify.stdout}${verify.stderr}`;
    expect(verify.status, out).toBe(0);
    expect(out).toContain('0 cents of drift');
    expect(out).toMatch(/ 2 settled sessions/);
  });
});
