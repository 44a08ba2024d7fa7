// Screenshots of the PC agent's lock screen and running overlay (Spanish and English), from a real
// agent enrolled to a real server, with a real session for the overlay. 1366×768, Chromium.
//   node scripts/agent-screenshots.mjs [outDir]   (default artifacts/screenshots/agent)
// Needs a Chromium: CHROMIUM_PATH, default /usr/bin/chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';
import { launchChromium } from './lib/chromium.mjs';

ensureNode24();
const { AgentProcess, ServerProcess, ensureBuilt, launcherFlags, setUpFloor, sleep } = await import('./lib/agent-floor.mjs');

const outDir = process.argv[2] ?? join(root, 'artifacts/screenshots/agent');
mkdirSync(outDir, { recursive: true });
ensureBuilt();

const server = await ServerProcess.start();
let agent;
let browser;
try {
  // 3.00 PEN per hour, 2.50 PEN of balance: the overlay shows 50 min left.
  const floor = await setUpFloor(server, { ratePerHourMinor: 300, balanceMinor: 250 });
  agent = await AgentProcess.start({ serverUrl: server.url, pairingCode: floor.pairingCode, flags: launcherFlags() });
  await agent.waitFor((s) => s.connection === 'online', 20_000, 'online');

  browser = await launchChromium();
  const shoot = async (name, locale, ready) => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: locale === 'es' ? 'es-PE' : 'en-US', timezoneId: 'America/Lima' });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(agent.url);
    if (locale === 'en') {
      await page.click('#langBtn');
    }
    await ready(page);
    await sleep(1_200); // one status poll after the last change
    const file = join(outDir, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`  ${file}${problems.length ? `  (page errors: ${problems.join(' | ')})` : ''}`);
    await context.close();
  };
  const lockReady = (page) => page.waitForSelector('#forms:not(.hidden)');
  const overlayReady = (page) => page.waitForSelector('#overlay:not(.hidden)');

  console.log('› lock screen');
  await shoot('lock-es', 'es', lockReady);
  await shoot('lock-en', 'en', lockReady);

  console.log('› overlay (session running)');
  const session = await floor.startSession();
  await agent.waitFor((s) => s.session.phase === 'in_session', 15_000, 'in session');
  await server
    .api('POST', `/api/v1/pcs/${floor.pc.id}/commands`, { token: floor.token, body: { type: 'message', text: 'Tu pedido está listo en caja.' } })
    .catch((e) => console.log(`  (no staff message: ${e.message.slice(0, 120)})`));
  await sleep(4_000);
  await shoot('overlay-es', 'es', overlayReady);
  await shoot('overlay-en', 'en', overlayReady);
  await floor.endSession(session.id);
} finally {
  await browser?.close();
  await agent?.stop(false);
  await server.dispose();
}
