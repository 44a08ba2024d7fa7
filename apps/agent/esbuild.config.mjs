// Bundles the agent (and @econtrol/* from source) into one ESM file: dist/agent.mjs.
// Memory matters on a gaming PC (issue 4: RSS ≤ 60 MB), so the bundle leaves out what the agent
// never runs (each plugin below says what and why) and is written without comments or indentation
// in plain ASCII: V8 keeps the whole source text in memory, one byte per character when it is
// ASCII, two otherwise. Identifiers keep their names (readable stack traces; the source map maps
// positions back: `node --enable-source-maps`).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * src/protocol/contracts-values.ts re-exports plain data of @econtrol/contracts (error catalog,
 * protocol constants). Loading the package would also build all its zod schemas (~7 MB of RSS),
 * so the bundle gets those values inlined, evaluated here at build time.
 */
const inlineContractsValues = {
  name: 'inline-contracts-values',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]protocol[\\/]contracts-values\.ts$/ }, async (args) => {
      const r = await build({
        entryPoints: [args.path],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        conditions: ['source'],
        logLevel: 'silent',
      });
      const code = Buffer.from(r.outputFiles[0].text).toString('base64');
      const values = await import(`data:text/javascript;base64,${code}`);
      const lines = Object.entries(values).map(([name, value]) => {
        const json = JSON.stringify(value);
        if (json === undefined || typeof value === 'function') throw new Error(`${name} is not plain data`);
        return `export const ${name} = ${json};`;
      });
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * `import … from 'node:http'` in an ES module goes through Node's ESM facade, which reads every
 * export of the builtin once, getters included: `http.WebSocket` & co. then load all of undici
 * (~10 MB of RSS for nothing). Builtins are therefore taken with `require` (the banner's), which
 * leaves lazy getters alone.
 */
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z:_/]+$/ }, (args) =>
      (args.kind === 'import-statement' || args.kind === 'dynamic-import') && isBuiltin(args.path)
        ? { path: args.path, namespace: 'builtin-require' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * `ws` and `xmlhttprequest-ssl` require https, tls and zlib at load time (~5 MB of RSS) but use them
 * only for a `wss:`/`https:` server or a permessage-deflate stream. They get a stand-in that loads
 * the real module on first property access.
 */
const LAZY_BUILTINS = /^(node:)?(https|tls|zlib)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) =>
      args.kind === 'require-call' && /[\\/]node_modules[\\/]/.test(args.importer)
        ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(`node:${args.path}`)}));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => ({ ...Reflect.getOwnPropertyDescriptor(load(), key), configurable: true }),
});`,
      loader: 'js',
    }));
  },
};

/**
 * socket.io-client, engine.io-client and socket.io-parser export their `esm-debug` build under the
 * `node` condition: the `debug` package plus a call at every step. Their `esm` build is the same
 * code without it (and already picks the `*.node.js` transports).
 */
const noDebugBuilds = {
  name: 'no-debug-builds',
  setup(b) {
    b.onResolve({ filter: /^(socket\.io-client|engine\.io-client|socket\.io-parser)$/ }, (args) => {
      const cjsEntry = createRequire(args.importer || join(here, 'package.json')).resolve(args.path);
      const marker = `${sep}node_modules${sep}${args.path}${sep}`;
      const dir = cjsEntry.slice(0, cjsEntry.lastIndexOf(marker) + marker.length);
      return { path: join(dir, 'build/esm/index.js') };
    });
  },
};

/**
 * engine.io-client's browser WebSocket transport reads `globalThis.WebSocket` at load time; in
 * Node that getter loads undici (~10 MB of RSS) although the agent uses the `ws` transport.
 */
const noGlobalWebSocket = {
  name: 'no-global-websocket',
  setup(b) {
    b.onLoad({ filter: /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]websocket\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const lookup = /globalThis\.WebSocket \|\| globalThis\.MozWebSocket/;
      if (!lookup.test(source)) throw new Error(`${args.path}: no ${lookup} to disable (update this plugin)`);
      return { contents: source.replace(lookup, 'undefined'), loader: 'js' };
    });
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
  plugins: [inlineContractsValues, builtinsViaRequire, lazyBuiltins, noDebugBuilds, noGlobalWebSocket],
  banner: {
    js: "import { createRequire as __agentCreateRequire } from 'node:module'; const require = __agentCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  charset: 'ascii',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
const zod = Object.keys(output?.inputs ?? {}).filter((f) => /[\\/]node_modules[\\/]zod[\\/]/.test(f));
if (zod.length > 0) {
  console.error(`zod must stay out of the agent bundle (see src/protocol/check.ts); pulled in: ${zod[0]}`);
  process.exit(1);
}
const bytes = output?.bytes ?? 0;
const text = readFileSync(join(here, 'dist/agent.mjs'), 'utf8');
const at = text.search(/[^\x00-\x7f]/);
if (at >= 0) {
  console.error(`dist/agent.mjs must be ASCII (escape this in the source): ${text.slice(Math.max(0, at - 60), at + 20)}`);
  process.exit(1);
}
console.log(`apps/agent/dist/agent.mjs: ${(bytes / 1024).toFixed(0)} KB`);
