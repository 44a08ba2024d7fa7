// Takes 1366×768 screenshots of the static export (apps/web/out) with Debian's Chromium.
// The API is mocked in the browser (page.route), so no server is needed:
//   npm run build -w @econtrol/web && node apps/web/scripts/screenshot.mjs [outDir]
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../../scripts/lib/chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../out');
const shotDir = path.resolve(process.argv[2] ?? path.join(here, '../../../artifacts/screenshots/web'));
mkdirSync(shotDir, { recursive: true });
if (!existsSync(outDir)) throw new Error(`${outDir} missing: run the build first`);

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Tiny static server with the same rules as the Nest static handler: dir → index.html, else 404.html. */
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  let file = path.join(outDir, decodeURIComponent(url.pathname));
  if (!file.startsWith(outDir)) return res.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
  let status = 200;
  if (!existsSync(file)) {
    status = 404;
    file = path.join(outDir, '404.html');
  }
  res.writeHead(status, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- fixtures -------------------------------------------------------------------------------
const ORG = '0b6f1c3e-1111-4c1a-9a55-000000000001';
const LAN = '0b6f1c3e-2222-4c1a-9a55-000000000002';
const uuid = (n) => `0b6f1c3e-3333-4c1a-9a55-${String(n).padStart(12, '0')}`;
const manager = {
  id: uuid(900),
  organizationId: ORG,
  role: 'MANAGER',
  name: 'Rosa Quispe',
  email: 'rosa@arena.pe',
  username: 'rosa',
  locale: 'es',
  lanCenterIds: [LAN],
};
const cashier = { ...manager, id: uuid(901), role: 'CASHIER', name: 'Luis Mamani', username: 'luis' };
const lanCenter = {
  id: LAN,
  organizationId: ORG,
  name: 'Arena Gamer Miraflores',
  slug: 'miraflores',
  address: 'Av. Larco 345',
  city: 'Lima',
  country: 'PE',
  timezone: 'America/Lima',
  currency: 'PEN',
  status: 'ACTIVE',
  settings: {
    openingHours: { alwaysOpen: true, days: [] },
    agent: { heartbeatIntervalSeconds: 60, processAllowList: [], processBlockList: [] },
  },
  createdAt: '2026-01-01T00:00:00Z',
};
const zones = [
  {
    id: uuid(1),
    lanCenterId: LAN,
    name: 'General',
    description: 'PCs Ryzen 5 + RTX 3060, 144 Hz',
    position: 0,
    color: '#6366f1',
    pcCount: 16,
  },
  {
    id: uuid(2),
    lanCenterId: LAN,
    name: 'VIP',
    description: 'RTX 4070, sillas gamer',
    position: 1,
    color: '#f59e0b',
    pcCount: 8,
  },
  {
    id: uuid(3),
    lanCenterId: LAN,
    name: 'Streaming',
    description: null,
    position: 2,
    color: '#ec4899',
    pcCount: 2,
  },
];
const names = [
  'Diego R.',
  'Valeria T.',
  null,
  'Kevin H.',
  'Camila P.',
  'Jhon C.',
  null,
  'Andrea L.',
  'Bruno S.',
  'Sofía M.',
];
const now = Date.now();
const statusCycle = [
  'OCCUPIED',
  'OCCUPIED',
  'AVAILABLE',
  'OCCUPIED',
  'PENDING',
  'AVAILABLE',
  'RESERVED',
  'OCCUPIED',
  'OFFLINE',
  'AVAILABLE',
  'OCCUPIED',
  'MAINTENANCE',
];
const pcs = [];
let n = 0;
for (const z of zones) {
  for (let i = 0; i < z.pcCount; i++) {
    n++;
    const status = statusCycle[n % statusCycle.length];
    const busy = status === 'OCCUPIED' || status === 'PENDING';
    pcs.push({
      id: uuid(100 + n),
      lanCenterId: LAN,
      zoneId: z.id,
      name: `PC-${String(n).padStart(2, '0')}`,
      specs: {},
      status,
      agentVersion: n === 26 ? null : '0.1.0',
      lastHeartbeatAt:
        status === 'OFFLINE' ? new Date(now - 3_600_000).toISOString() : new Date(now - 20_000).toISOString(),
      enrolled: n !== 26,
      session: busy
        ? {
            id: uuid(500 + n),
            status: status === 'PENDING' ? 'PENDING_PAYMENT' : 'ACTIVE',
            customerName: names[n % names.length],
            startedAt: new Date(now - (((n * 17) % 190) + 5) * 60_000).toISOString(),
            needsReconciliation: n === 13,
            kind: n % 3 === 0 ? 'GUEST_POSTPAID' : 'MEMBER',
            costMinor: (((n * 17) % 190) + 5) * 5,
            accruedMinor: (((n * 17) % 190) + 5) * 5,
            costAt: new Date(now).toISOString(),
            ratePerHourMinor: status === 'PENDING' ? 0 : 300,
            minimumChargeMinor: 100,
            hardEndAt: n % 3 === 0 ? null : new Date(now + ((n * 7) % 120) * 60_000).toISOString(),
          }
        : null,
    });
  }
}
const staff = [
  {
    id: manager.id,
    name: manager.name,
    email: manager.email,
    username: 'rosa',
    role: 'MANAGER',
    lanCenterIds: [LAN],
    disabled: false,
    createdAt: '2026-01-01T00:00:00Z',
  },
  {
    id: cashier.id,
    name: cashier.name,
    email: null,
    username: 'luis',
    role: 'CASHIER',
    lanCenterIds: [LAN],
    disabled: false,
    createdAt: '2026-01-02T00:00:00Z',
  },
  {
    id: uuid(902),
    name: 'Carla Flores',
    email: null,
    username: 'carla',
    role: 'CASHIER',
    lanCenterIds: [LAN],
    disabled: true,
    createdAt: '2026-01-03T00:00:00Z',
  },
];
const customers = [
  ['Diego Ramírez', 'diegor', '987 654 321', 'GOLD', 1240, 2550],
  ['Valeria Torres', 'valet', '912 345 678', 'SILVER', 480, 1000],
  ['Kevin Huamán', 'kevinh', null, 'BRONZE', 60, 0],
  ['Camila Paredes', 'cami.p', '955 111 222', 'PLATINUM', 5300, 12000],
].map(([name, username, phone, tier, pts, bal], i) => ({
  id: uuid(700 + i),
  name,
  username,
  email: null,
  phone,
  documentId: null,
  membershipTier: tier,
  loyaltyPoints: pts,
  balanceMinor: bal,
  createdAt: '2026-01-05T00:00:00Z',
}));

const unauth = {
  error: {
    code: 'UNAUTHENTICATED',
    status: 401,
    message: 'Inicia sesión para continuar.',
    messages: { es: 'Inicia sesión para continuar.', en: 'Please sign in.' },
  },
};

function mockApi(user, { empty = false } = {}) {
  return async (route) => {
    const req = route.request();
    const p = new URL(req.url()).pathname.replace(/^\/api\/v1/, '');
    const json = (body, status = 200) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (p === '/auth/me') return user ? json(user) : json(unauth, 401);
    if (p === '/auth/login')
      return json(
        {
          error: {
            code: 'INVALID_CREDENTIALS',
            status: 401,
            message: '',
            messages: { es: 'Usuario o contraseña incorrectos.', en: 'Wrong username or password.' },
          },
        },
        401,
      );
    if (p === '/lan-centers') return json([lanCenter]);
    if (p.endsWith('/zones')) return json(empty ? [] : zones);
    if (p.endsWith('/pairing-code'))
      return json({
        pcId: pcs[25].id,
        code: 'K7Q-4M9',
        expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      });
    if (p.endsWith('/pcs')) return json(empty ? [] : pcs);
    if (p === '/staff') return json(staff);
    if (p === '/customers') return json({ items: customers, nextCursor: null });
    return json(
      {
        error: {
          code: 'NOT_FOUND',
          status: 404,
          message: '',
          messages: { es: 'No encontrado.', en: 'Not found.' },
        },
      },
      404,
    );
  };
}

// ---- run ------------------------------------------------------------------------------------
const browser = await launchChromium();

const shots = [
  { name: '01-login-es', path: '/login/', user: null },
  {
    name: '02-login-error-es',
    path: '/login/',
    user: null,
    act: async (page) => {
      await page.fill('input[autocomplete="username"]', 'rosa');
      await page.fill('input[type="password"]', 'mala-clave');
      await page.click('button[type="submit"]');
      await page.waitForSelector('[role="alert"]');
    },
  },
  { name: '03-login-en', path: '/login/', user: null, locale: 'en' },
  { name: '04-signup-es', path: '/signup/', user: null },
  {
    name: '05-signup-validation-es',
    path: '/signup/',
    user: null,
    act: async (page) => {
      await page.click('button[type="submit"]');
      await page.waitForTimeout(200);
    },
  },
  { name: '06-floor-manager', path: '/', user: manager, wait: '[data-pc-id]' },
  {
    name: '07-floor-pc-dialog',
    path: '/',
    user: manager,
    wait: '[data-pc-id]',
    act: async (page) => {
      await page.click('[data-status="OCCUPIED"]');
      await page.waitForSelector('dialog[open]');
    },
  },
  { name: '08-floor-empty', path: '/', user: manager, empty: true, wait: 'text=Aún no hay PCs' },
  { name: '09-customers', path: '/customers/', user: cashier, wait: 'table' },
  { name: '10-settings-lan', path: '/settings/', user: manager, wait: 'form' },
  { name: '11-settings-zones', path: '/settings/zones/', user: manager, wait: 'table' },
  { name: '12-settings-pcs', path: '/settings/pcs/', user: manager, wait: 'table' },
  {
    name: '13-settings-pcs-pairing',
    path: '/settings/pcs/',
    user: manager,
    wait: 'table',
    act: async (page) => {
      await page.getByRole('button', { name: 'Vincular', exact: true }).first().click();
      await page.waitForSelector('dialog[open] img');
    },
  },
  { name: '14-settings-staff', path: '/settings/staff/', user: manager, wait: 'table' },
  { name: '15-cashier-blocked-settings', path: '/settings/', user: cashier, wait: 'text=Acceso restringido' },
  { name: '16-floor-en', path: '/', user: manager, locale: 'en', wait: '[data-pc-id]' },
  { name: '17-shift', path: '/shift/', user: cashier, wait: 'h1' },
];

let failed = 0;
const only = process.env.SHOTS ? new RegExp(process.env.SHOTS) : null;
for (const s of shots.filter((x) => !only || only.test(x.name))) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'es-PE',
    timezoneId: 'America/Lima',
  });
  if (s.locale) await context.addInitScript((l) => localStorage.setItem('ec_locale', l), s.locale);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on(
    'console',
    (m) =>
      m.type() === 'error' && !m.text().includes('401') && !m.text().includes('404') && errors.push(m.text()),
  );
  await page.route('**/api/v1/**', mockApi(s.user, { empty: s.empty }));
  await page.route('**/socket.io/**', (r) => r.abort());
  try {
    await page.goto(base + s.path, { waitUntil: 'load' });
    if (s.wait) await page.waitForSelector(s.wait, { timeout: 10_000 });
    if (s.act) await s.act(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(shotDir, `${s.name}.png`) });
    console.log(`✓ ${s.name}${errors.length ? `  (console errors: ${errors.join(' | ')})` : ''}`);
  } catch (e) {
    failed++;
    await page.screenshot({ path: path.join(shotDir, `${s.name}-FAILED.png`) }).catch(() => {});
    console.log(`✗ ${s.name}: ${e.message.split('\n')[0]}`);
  }
  await context.close();
}
await browser.close();
server.close();
console.log(`screenshots in ${shotDir}`);
process.exit(failed ? 1 : 0);
