// `npm test`: builds what the end-to-end tests run (incremental), then every test project.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
