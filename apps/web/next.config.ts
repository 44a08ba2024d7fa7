import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));
const contractsSrc = path.join(here, '../../packages/contracts/src/index.ts');

/**
 * Static export: the Nest server serves `out/` on the same origin (API under /api/v1,
 * Socket.IO under /socket.io). The console can also be hosted apart; then set
 * NEXT_PUBLIC_API_URL at build time.
 */
/**
 * Built with webpack (`next build --webpack`): the contracts package is TypeScript ESM with
 * `.js` import specifiers, which Turbopack cannot map to `.ts` yet (vercel/next.js#82945).
 */
const nextConfig: NextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@econtrol/contracts'],
  // Turbopack (plain `next build`, as the root build script runs it) resolves the contracts
  // package through its exports to the compiled `dist/` (built first by `tsc -b`).
  turbopack: {},
  webpack: (config: {
    resolve: { alias: Record<string, string>; extensionAlias?: Record<string, string[]> };
  }) => {
    config.resolve.alias['@econtrol/contracts'] = contractsSrc;
    config.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] };
    return config;
  },
};

export default nextConfig;
