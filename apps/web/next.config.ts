import type { NextConfig } from 'next';
// Next compiles this file to CommonJS and resolves it without the .js → .ts mapping.
import { webEnv } from './src/env';

// Scripts and styles are same-origin; Next's bootstrap and cytoscape/echarts
// inline styles need 'unsafe-inline'. The browser only talks to our own origin
// (the tRPC proxy), never to the API directly.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

const nextConfig: NextConfig = {
  transpilePackages: ['@kinsight/topology'],
  // The repo writes ESM imports with `.js` (TypeScript's rule); webpack maps them
  // to the .ts/.tsx sources. Turbopack in Next 16.4 cannot (vercel/next.js#82945),
  // hence `next build --webpack` in the scripts.
  experimental: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
  poweredByHeader: false,
  reactStrictMode: true,
  // Do not write agent instruction files into the repo during `next dev`.
  agentRules: false,
  // A build made with KINSIGHT_TEST_HOOKS=1 keeps the hooks whatever the run-time env says.
  env: { KINSIGHT_TEST_HOOKS_AT_BUILD: webEnv().testHooks ? '1' : '0' },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
