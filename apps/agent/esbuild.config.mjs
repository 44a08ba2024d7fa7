// Bundles the agent (and @econtrol/* from source) into one ESM file: dist/agent.mjs.
// Memory matters on a gaming PC (issue 4: RSS ≤ 60 MB), so the bundle leaves out what the agent
// never runs: zod's ~40 translated error locales (only English is used; messages shown to people
// come from our error catalog), and every @econtrol/contracts module it does not import
// (packages/contracts is `sideEffects: false`).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** `zod/v4/locales/index.js` → only the English locale. */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: here,
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(here, 'dist/agent.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['source'],
  external: ['bufferutil', 'utf-8-validate'],
  plugins: [zodEnglishOnly],
  banner: {
    js: "import { createRequire as __agentCreateRequire } from 'node:module'; const require = __agentCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  minify: false,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`apps/agent/dist/agent.mjs: ${(bytes / 1024).toFixed(0)} KB`);
