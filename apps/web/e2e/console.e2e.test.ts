/**
 * The operator console against a real server in a real browser:
 * manager signup → zone + tariff → PCs on the floor → cashier; cashier login → shift →
 * customer → top up → the floor updates live (socket, no reload) while a session is started and
 * ended through the API → shift close with the right totals; role guard; Spanish by default,
 * English after switching. Every step runs: no route is optional any more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Harness, newPage, shot, startHarness } from './harness';

let h: Harness;
const manager = { username: 'gerente', password: 'clave-segura-1' };
const cashier = { name: 'Carla Cajera', username: 'carla', password: 'clave-cajera-1' };

const dialog = (page: Page) => page.locator('dialog[open]');

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto(`${h.baseUrl}/login/`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  try {
    await page.waitForURL(`${h.baseUrl}/`);
  } catch (e) {
    await shot(page, 'debug-login');
    throw e;
  }
}

/** Bearer-token API client (what an integration or a second counter would use). */
async function apiLogin(login: string, password: string): Promise<string> {
  const res = await fetch(`${h.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password, tokenMode: 'bearer' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function call<T>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  idem?: string,
): Promise<T> {
  const res = await fetch(`${h.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(idem ? { 'idempotency-key': idem } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function list<T>(token: string, path: string): Promise<T[]> {
  const body = await call<T[] | { items: T[] }>(token, 'GET', path);
  return Array.isArray(body) ? body : body.items;
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe('operator console (real server, Chromium)', () => {
  it('is in Spanish by default', async () => {
    const page = await newPage(h);
    await page.goto(`${h.baseUrl}/`);
    // Not signed in: the console sends us to the login page.
    await page.waitForURL(/\/login\/\?next=/);
    await expect(page.getByRole('heading', { name: 'Iniciar sesión' }).isVisible()).resolves.toBe(true);
    expect(await page.getAttribute('html', 'lang')).toBe('es-419');
    await page.context().close();
  });

  it('manager signs up, creates a zone with a tariff, adds 2 PCs, sees them on the floor, creates a cashier', async () => {
    const page = await newPage(h);
    await page.goto(`${h.baseUrl}/signup/`);
    await page.fill('input[name="organizationName"]', 'Gamer Zone SAC');
    await page.fill('input[name="lanCenter.name"]', 'Sede Miraflores');
    await page.fill('input[name="manager.name"]', 'Gina Gerente');
    await page.fill('input[name="manager.email"]', 'gina@example.pe');
    await page.fill('input[name="manager.username"]', manager.username);
    await page.fill('input[name="manager.password"]', manager.password);
    await page.getByRole('button', { name: 'Crear mi local' }).click();
    await page.waitForURL(`${h.baseUrl}/settings/zones/`);

    // Zone
    await page.getByRole('button', { name: 'Nueva zona' }).first().click();
    await dialog(page).locator('input[name="name"]').fill('General');
    await dialog(page).getByRole('button', { name: 'Crear', exact: true }).click();
    await page.getByRole('cell', { name: 'General', exact: true }).waitFor();

    // Tariff: S/ 4.00 per hour, S/ 1.00 minimum charge, a cheaper time-of-day rule
    await page.getByRole('button', { name: 'Tarifa', exact: true }).click();
    await dialog(page).locator('input[name="rate"]').fill('4.00');
    await dialog(page).locator('input[name="minimum"]').fill('1.00');
    await dialog(page).getByRole('button', { name: 'Agregar regla' }).click();
    await dialog(page).getByRole('textbox', { name: 'Precio por hora' }).last().fill('3');
    await dialog(page).getByRole('button', { name: 'Guardar cambios' }).click();
    await page.getByText('Tarifa de General guardada').waitFor();

    // Two PCs (names are suggested: PC-01, PC-02)
    await page.goto(`${h.baseUrl}/settings/pcs/`);
    for (const name of ['PC-01', 'PC-02']) {
      await page.getByRole('button', { name: 'Agregar PC' }).first().click();
      await expect(dialog(page).locator('input[name="name"]').inputValue()).resolves.toBe(name);
      await dialog(page).getByRole('button', { name: 'Crear', exact: true }).click();
      await page.getByRole('cell', { name, exact: true }).waitFor();
      // The next "Agregar PC" must not find this dialog while it closes (it still shows this name).
      await dialog(page).waitFor({ state: 'detached' });
    }

    // Floor
    await page.getByRole('link', { name: 'Sala' }).click();
    await page.waitForURL(`${h.baseUrl}/`);
    await page.locator('[data-pc-id]').nth(1).waitFor();
    expect(await page.locator('[data-pc-id]').count()).toBe(2);
    expect(await page.locator('[data-pc-id] .font-mono').allTextContents()).toEqual(['PC-01', 'PC-02']);
    await shot(page, 'floor');
    await page.locator('[data-pc-id]').first().click();
    await dialog(page).getByRole('button', { name: 'Iniciar sesión' }).waitFor();
    await shot(page, 'floor-pc-dialog');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });

    // Cashier
    await page.goto(`${h.baseUrl}/settings/staff/`);
    await page.getByRole('button', { name: 'Nuevo usuario' }).first().click();
    await dialog(page).locator('input[name="name"]').fill(cashier.name);
    await dialog(page).locator('input[name="username"]').fill(cashier.username);
    await dialog(page).locator('input[name="password"]').fill(cashier.password);
    await dialog(page).getByRole('button', { name: 'Crear', exact: true }).click();
    await page.getByRole('cell', { name: cashier.name, exact: true }).waitFor();

    await page.goto(`${h.baseUrl}/settings/`);
    await page.locator('input[name="name"]').waitFor();
    expect(await page.locator('input[name="name"]').inputValue()).toBe('Sede Miraflores');
    await shot(page, 'settings');
    await page.context().close();
  });

  it('cashier cannot open manager settings', async () => {
    const page = await newPage(h);
    await signIn(page, cashier.username, cashier.password);
    expect(await page.getByRole('link', { name: 'Configuración' }).count()).toBe(0);
    await page.goto(`${h.baseUrl}/settings/staff/`);
    await page.waitForURL(`${h.baseUrl}/`);
    await page.getByText('Solo un administrador puede abrir Configuración.').waitFor();
    await page.context().close();
  });

  it('cashier opens a shift, tops up a customer, sees the floor update live as a session starts and ends, closes the shift with the right totals', async () => {
    const page = await newPage(h);
    await signIn(page, cashier.username, cashier.password);

    await page.getByRole('link', { name: 'Caja' }).click();
    await page.locator('input[name="float"]').fill('100');
    await page.getByRole('button', { name: 'Abrir caja' }).click();
    await page.getByRole('button', { name: 'Cerrar caja' }).waitFor();

    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByRole('button', { name: 'Nuevo cliente' }).first().click();
    await dialog(page).locator('input[name="name"]').fill('Diego Gamer');
    await dialog(page).locator('input[name="phone"]').fill('987 654 321');
    await dialog(page).getByRole('button', { name: 'Crear', exact: true }).click();
    await page.waitForURL(/\/customers\/detail\/\?id=/);
    await page.getByRole('heading', { name: /Diego Gamer/ }).waitFor();

    await page.getByRole('button', { name: 'Recargar saldo' }).click();
    await dialog(page).locator('input[name="amount"]').fill('20');
    await dialog(page).getByRole('radio', { name: 'Efectivo' }).click();
    // A double click must not charge twice (idempotency key per dialog opening).
    await dialog(page).getByRole('button', { name: 'Recargar', exact: true }).dblclick();
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    await page.locator('[data-testid="transactions"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="transactions"] tbody tr').count()).toBe(1);
    await page.locator('[data-testid="account"]').getByText('S/ 20.00').first().waitFor();
    await shot(page, 'customer');

    // ---- live floor: a station without agent, driven through the API while the page is open ----
    const mgr = await apiLogin(manager.username, manager.password);
    const csh = await apiLogin(cashier.username, cashier.password);
    const [lan] = await list<{ id: string }>(mgr, '/lan-centers');
    const zone = (await list<{ id: string; name: string }>(mgr, `/lan-centers/${lan!.id}/zones`)).find(
      (z) => z.name === 'General',
    )!;

    await page.getByRole('link', { name: 'Sala' }).click();
    await page.waitForURL(`${h.baseUrl}/`);
    await page.getByRole('status').getByText('En vivo').waitFor();
    await page.locator('[data-pc-id]').first().waitFor();
    await page.waitForLoadState('networkidle');
    // From here on the PC list must not be fetched again: every change arrives over the socket.
    let pcListFetches = 0;
    page.on('request', (r) => {
      if (/\/api\/v1\/lan-centers\/[^/]+\/pcs/.test(r.url()) && r.method() === 'GET') pcListFetches++;
    });
    const navigations: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));

    const t0 = Date.now();
    const station = await call<{ id: string; status: string }>(mgr, 'POST', `/lan-centers/${lan!.id}/pcs`, {
      name: 'CONSOLA-01',
      zoneId: zone.id,
      requiresAgent: false,
    });
    expect(station.status).toBe('AVAILABLE');
    const tile = page.locator(`[data-pc-id="${station.id}"]`);
    await tile.and(page.locator('[data-status="AVAILABLE"]')).waitFor();
    await tile.getByText('Disponible').waitFor();

    const started = await call<{ id: string; status: string }>(
      csh,
      'POST',
      '/sessions',
      { pcId: station.id, postpaidGuest: { label: 'Mesa Norte' } },
      crypto.randomUUID(),
    );
    expect(started.status).toBe('ACTIVE');
    await tile.and(page.locator('[data-status="OCCUPIED"]')).waitFor();
    await tile.getByText('Ocupada').waitFor();
    await tile.getByText('Mesa Norte').waitFor();
    await tile.getByText('S/ 1.00').waitFor(); // running cost: the minimum charge
    const startSeenMs = Date.now() - t0;
    await shot(page, 'floor-live');

    // The first whole second must be on the clock for the minimum charge (no fixed sleep: poll the server).
    await expect
      .poll(
        async () =>
          (await call<{ billedSeconds: number }>(csh, 'GET', `/sessions/${started.id}`)).billedSeconds,
        {
          interval: 200,
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(0);
    const ended = await call<{ status: string; costMinor: number; chargedMinor: number }>(
      csh,
      'POST',
      `/sessions/${started.id}/end`,
      { lanCenterId: lan!.id, paymentMethod: 'CASH' },
    );
    expect(ended.costMinor).toBe(100);
    await tile.and(page.locator('[data-status="AVAILABLE"]')).waitFor();
    await tile.getByText('Disponible').waitFor();
    expect(await tile.getByText('Mesa Norte').count()).toBe(0);
    expect(pcListFetches).toBe(0);
    expect(navigations).toEqual([]);
    console.info(
      `live floor: created+started seen after ${startSeenMs} ms, whole cycle ${Date.now() - t0} ms`,
    );

    // ---- shift close: float 100 + top-up 20 + postpaid guest paid cash 1.00 ----
    await page.getByRole('link', { name: 'Caja' }).click();
    const expected = 'S/ 121.00';
    await page.locator('[data-testid="shift-cash"]').getByText(expected).waitFor();
    await page.getByRole('button', { name: 'Cerrar caja' }).click();
    await dialog(page).locator('input[name="counted"]').fill('121');
    await dialog(page).getByText('S/ 0.00').waitFor();
    await shot(page, 'shift-close-dialog');
    await dialog(page).getByRole('button', { name: 'Cerrar caja' }).click();
    await page.getByText('Caja cerrada').waitFor();
    // Intl puts a no-break space after "S/".
    const cash = ((await page.locator('[data-testid="shift-cash"]').textContent()) ?? '').replace(/\s/g, ' ');
    expect(cash).toContain(`Efectivo esperado${expected}`);
    expect(cash).toContain(`Efectivo contado (arqueo)${expected}`);
    expect(cash).toContain('DescuadreS/ 0.00');
    await shot(page, 'shift-close');
    await page.context().close();
  });

  it('switches to English', async () => {
    const page = await newPage(h);
    await signIn(page, manager.username, manager.password);
    await page.getByRole('button', { name: 'en', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Floor' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    // The choice survives a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.context().close();
  });
});
