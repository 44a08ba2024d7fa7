// Fails when the Drizzle schema and the committed migrations drift apart.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();

const server = join(root, 'apps/server');
// drizzle-kit wants a path relative to the config file
const tmp = join(server, '.drift-check');
const out = join(tmp, 'drizzle');
rmSync(tmp, { recursive: true, force: true });
cpSync(join(server, 'drizzle'), out, { recursive: true });
const config = join(server, `drizzle.drift-check.config.ts`);
writeFileSync(
  config,
  `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './.drift-check/drizzle' });\n`,
);
try {
  const before = readdirSync(out).length;
  const result = spawnSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--config', config, '--name', 'drift'], {
    cwd: server,
    encoding: 'utf8',
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0 || /Error/.test(result.stderr)) {
    console.error('✗ drizzle-kit failed');
    process.exit(1);
  }
  const after = readdirSync(out).length;
  if (after !== before || !/No schema changes/.test(result.stdout + result.stderr)) {
    console.error('\n✗ The Drizzle schema changed but no migration was committed. Run: npm run db:generate');
    process.exit(1);
  }
  console.log('✓ schema and migrations agree');
} finally {
  rmSync(config, { force: true });
  rmSync(tmp, { recursive: true, force: true });
}
