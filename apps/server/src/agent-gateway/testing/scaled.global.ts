import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * scaled project: needs the real PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL) — it
 * fails, never skips, without them — and runs the built artifacts: the server
 * (apps/server/dist/main.js, tsc -b incremental) and the agent bundle.
 */
export default function setup(): void {
  const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((v) => !process.env[v]);
  if (missing.length) {
    throw new Error(
      `the scaled tests need PostgreSQL and Redis: set ${missing.join(' and ')} ` +
        '(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_REDIS_URL=redis://127.0.0.1:6379), or run `npm run test:scaled`',
    );
  }
  const root = fileURLToPath(new URL('../../../../../', import.meta.url));
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'apps/server/tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  if (tsc.status !== 0) throw new Error(`server build failed: ${tsc.stdout.toString()}${tsc.stderr.toString()}`);
  const agent = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: `${root}apps/agent`, stdio: 'pipe' });
  if (agent.status !== 0) throw new Error(`agent build failed: ${agent.stderr.toString()}`);
}
