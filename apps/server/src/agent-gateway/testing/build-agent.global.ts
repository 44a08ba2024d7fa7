import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** agent-e2e: builds the agent bundle once per run, so the tests spawn the real artifact. */
export default function setup(): void {
  const agentDir = fileURLToPath(new URL('../../../../agent', import.meta.url));
  const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: agentDir, stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`agent build failed: ${r.stderr.toString()}`);
}
