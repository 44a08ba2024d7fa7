// Bundles the agent (and @econtrol/* from source) into one ESM file: dist/agent.mjs.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(here, 'dist/agent.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['source'],
  external: ['bufferutil', 'utf-8-validate'],
  banner: {
    js: "import { createRequire as __agentCreateRequire } from 'node:module'; const require = __agentCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  minify: false,
  sourcemap: 'linked',
  logLevel: 'info',
});
