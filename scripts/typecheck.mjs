// Type-checks every workspace (sources and tests) and the build graph.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();
const tsc = join(root, 'node_modules/.bin/tsc');
let failed = false;
for (const pkg of ['packages/contracts', 'packages/billing', 'apps/server', 'apps/agent', 'apps/web']) {
  if (!existsSync(join(root, pkg, 'tsconfig.json'))) continue;
  const result = spawnSync(tsc, ['-p', join(pkg, 'tsconfig.json'), '--noEmit'], { cwd: root, stdio: 'inherit' });
  console.log(`${result.status === 0 ? '✓' : '✗'} ${pkg}`);
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
