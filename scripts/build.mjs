// Builds what `npm start` runs: TypeScript packages and server, the agent bundle, the web console.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const run = (cmd, args, cwd = root) => {
  const result = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '.next' || entry === 'out') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const force = process.argv.includes('--force');
const bin = (name) => join(root, 'node_modules', '.bin', name);

console.log('› building packages and server (tsc -b)');
run(bin('tsc'), ['-b', 'tsconfig.build.json']);

if (existsSync(join(root, 'apps/agent/esbuild.config.mjs'))) {
  console.log('› bundling the PC agent');
  run(process.execPath, ['esbuild.config.mjs'], join(root, 'apps/agent'));
}

const web = join(root, 'apps/web');
if (existsSync(join(web, 'next.config.ts'))) {
  const built = join(web, 'out', 'index.html');
  const sources = Math.max(newest(join(web, 'src')), newest(join(web, 'messages')), newest(join(web, 'public')), newest(join(web, 'next.config.ts')), newest(join(root, 'packages/contracts/src')));
  if (force || !existsSync(built) || statSync(built).mtimeMs < sources) {
    console.log('› building the web console (next build)');
    // the web package's own build script carries its flags (webpack)
    const pkg = JSON.parse(readFileSync(join(web, 'package.json'), 'utf8'));
    const [cmd, ...args] = pkg.scripts.build.split(' ');
    run(bin(cmd), args, web);
  } else {
    console.log('› web console is up to date');
  }
}
