// `npm run bench:ledger`: ledger ops/s through our code vs the same statements on bare pg (see
// apps/server/src/ledger/ledger-bench.ts). Runs the TypeScript source with the project's Node 24.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'apps/server/src/ledger/ledger-bench.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'apps/server/tsconfig.json'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
});
process.exit(result.status ?? 1);
