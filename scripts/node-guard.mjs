// Re-runs the current script with the project's own Node 24 when an older Node started it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export function ensureNode24() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return;
  const local = `${root}node_modules/node/bin/node`;
  if (!existsSync(local)) {
    console.error(`eControl needs Node 24; this is ${process.version}. Run "npm install" first (it brings Node 24).`);
    process.exit(1);
  }
  const result = spawnSync(local, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
