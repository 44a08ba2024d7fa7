// Runs a compiled server tool (apps/server/dist/...) with the project's Node 24, building first if needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();
const tool = join(root, 'apps/server/dist', process.argv[2]);
if (!existsSync(tool)) {
  const build = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, [tool, ...process.argv.slice(3)], {
  stdio: 'inherit',
  env: { ...process.env, DATA_DIR: process.env.DATA_DIR ?? join(root, 'data'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
});
process.exit(result.status ?? 1);
