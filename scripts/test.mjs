// `npm test`: builds what the end-to-end tests run (incremental), then every test project.
// Browser tests need Debian's Chromium (/usr/bin/chromium); we never download a browser. Without it
// they are left out with a clear notice, except in CI, where a missing Chromium fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const projects = ['unit', 'medium', 'agent-e2e'];
if (existsSync(chromium)) {
  projects.push('e2e');
} else if (process.env.CI) {
  console.error(`✗ ${chromium} not found: CI must run the browser tests (apt-get install chromium).`);
  process.exit(1);
} else {
  console.warn(`\n⚠ ${chromium} not found: the browser (e2e) tests are NOT run. Install it with: sudo apt-get install chromium\n`);
}
const args = ['run', ...projects.flatMap((p) => ['--project', p]), ...process.argv.slice(2)];
const result = spawnSync(join(root, 'node_modules/.bin/vitest'), args, { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
