// `npm start`: builds what is missing, then runs the server in embedded mode (or scaled with DATABASE_URL).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(process.execPath, [join(root, 'apps/server/dist/main.js')], {
  stdio: 'inherit',
  env: { ...process.env, DATA_DIR: process.env.DATA_DIR ?? join(root, 'data') },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
