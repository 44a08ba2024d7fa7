// Screenshot of a busy floor against a REAL server (built dist, temporary DATA_DIR): 30 stations in
// 3 zones, sessions for members and postpaid guests, one paused, one in maintenance; 1366×768, es.
//   npm run build && node apps/web/scripts/live-floor-shot.mjs [outDir]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../../scripts/lib/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const shotDir = path.resolve(process.argv[2] ?? path.join(root, 'artifacts/screenshots'));
mkdirSync(shotDir, { recursive: true });
const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dataDir = mkdtempSync(path.join(tmpdir(), 'econtrol-floor-shot-'));
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [path.join(root, 'apps/server/dist/main.js')], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: 'inherit',
});
let browser;
try {
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 150));
  }
  const call = async (token, method, p, body, idem) => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idem ? { 'idempotency-key': idem } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const manager = {
    name: 'Gina Gerente',
    email: 'gina@example.pe',
    username: 'gerente',
    password: 'clave-segura-1',
  };
  const signup = await fetch(`${base}/api/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationName: 'Gamer Zone SAC',
      lanCenter: { name: 'Sede Miraflores' },
      manager,
      tokenMode: 'bearer',
    }),
  }).then((r) => r.json());
  const token = signup.auth.accessToken;
  const lan = signup.lanCenter.id;
  const zoneDefs = [
    { name: 'General', color: '#0ea5e9', rate: 300, count: 16, prefix: 'PC' },
    { name: 'VIP', color: '#a855f7', rate: 500, count: 10, prefix: 'VIP' },
    { name: 'Consolas', color: '#f97316', rate: 400, count: 4, prefix: 'PS5' },
  ];
  const pcs = [];
  for (const [zi, z] of zoneDefs.entries()) {
    const zone = await call(token, 'POST', `/lan-centers/${lan}/zones`, {
      name: z.name,
      color: z.color,
      position: zi,
    });
    await call(token, 'PUT', `/zones/${zone.id}/tariff`, {
      name: `Tarifa ${z.name}`,
      ratePerHourMinor: z.rate,
      minimumChargeMinor: 100,
      granularity: 'minute',
      rules: [],
    }).catch((e) => console.warn(String(e)));
    for (let i = 1; i <= z.count; i++)
      pcs.push(
        await call(token, 'POST', `/lan-centers/${lan}/pcs`, {
          name: `${z.prefix}-${String(i).padStart(2, '0')}`,
          zoneId: zone.id,
          requiresAgent: false,
        }),
      );
  }
  const names = [
    'Diego Ramírez',
    'Valeria Quispe',
    'Luis Fernández',
    'Camila Torres',
    'Mateo Huamán',
    'Sofía Castillo',
  ];
  const customers = [];
  for (const [i, name] of names.entries()) {
    const c = await call(token, 'POST', '/customers', { name, phone: `98765432${i}` });
    customers.push(c);
  }
  await call(token, 'POST', '/shifts/open', { lanCenterId: lan, openingFloatMinor: 10000 }).catch((e) =>
    console.warn(String(e)),
  );
  for (const c of customers)
    await call(
      token,
      'POST',
      `/customers/${c.id}/recharges`,
      { amountMinor: 2000, paymentMethod: 'CASH', lanCenterId: lan },
      crypto.randomUUID(),
    ).catch((e) => console.warn(String(e)));
  const busy = [0, 2, 3, 5, 8, 16, 17, 19, 26, 27];
  for (const [k, idx] of busy.entries()) {
    const body =
      k < customers.length
        ? { pcId: pcs[idx].id, customerId: customers[k].id }
        : { pcId: pcs[idx].id, postpaidGuest: { label: `Mesa ${k}` } };
    const s = await call(token, 'POST', '/sessions', body, crypto.randomUUID()).catch((e) =>
      console.warn(String(e)),
    );
    if (k === 2 && s)
      await call(token, 'POST', `/sessions/${s.id}/pause`, {}).catch((e) => console.warn(String(e)));
  }
  await call(token, 'PATCH', `/pcs/${pcs[11].id}`, { maintenance: true });

  browser = await launchChromium();
  const page = await (
    await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'es-PE' })
  ).newPage();
  await page.goto(`${base}/login/`);
  await page.fill('input[name="login"]', manager.username);
  await page.fill('input[name="password"]', manager.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.waitForURL(`${base}/`);
  await page.locator('[data-pc-id]').nth(29).waitFor();
  await page.getByRole('status').filter({ hasText: 'En vivo' }).waitFor();
  await page.screenshot({ path: path.join(shotDir, 'floor-30-live.png') });
  await page.screenshot({ path: path.join(shotDir, 'floor-30-live-full.png'), fullPage: true });
  await page.locator('[data-pc-id]').nth(0).click();
  await page.locator('dialog[open]').getByText('Control remoto').waitFor();
  await page.screenshot({ path: path.join(shotDir, 'floor-30-dialog.png') });
  console.log(`screenshots in ${shotDir}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
