import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { controllers } from '../app.module.js';
import { discoverRoutes } from '../openapi/openapi.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('operations endpoints', () => {
  it('/health and /ready answer, with the request id echoed', async () => {
    const health = await app.request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.headers['x-request-id']).toBe('abc-123');
    const ready = await app.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toBe('ok');
  });

  it('console pages: /login redirects to /login/ (static export), the API keeps its JSON 404', async () => {
    const web = mkdtempSync(join(tmpdir(), 'econtrol-web-'));
    mkdirSync(join(web, 'login'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>root</title>');
    writeFileSync(join(web, 'login', 'index.html'), '<!doctype html><title>login</title>');
    const site = await startTestApp({ WEB_DIR: web });
    try {
      const bare = await site.request('GET', '/login');
      expect(bare.status).toBe(301);
      expect(bare.headers.location).toBe('/login/');
      const withQuery = await site.request('GET', '/login?next=%2Fsettings');
      expect(withQuery.headers.location).toBe('/login/?next=%2Fsettings');
      const page = await site.request('GET', '/login/');
      expect(page.status).toBe(200);
      expect(String(page.body)).toContain('<title>login</title>');
      const api = await site.request('GET', '/api/v1/nothing-here');
      expect(api.status).toBe(404);
      expect(api.body.error.code).toBe('NOT_FOUND');
    } finally {
      await site.close();
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('/metrics exposes Prometheus text with HTTP histograms', async () => {
    await app.request('GET', '/health');
    const res = await app.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain('econtrol_http_request_duration_seconds_bucket');
    expect(res.body).toContain('econtrol_process_resident_memory_bytes');
  });

  it('/metrics with METRICS_TOKEN set: 401 without the bearer token or with a wrong one, 200 with it', async () => {
    const token = 'metrics-token-0123456789';
    const locked = await startTestApp({ METRICS_TOKEN: token });
    try {
      const none = await locked.request('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHENTICATED');
      expect((await locked.request('GET', '/metrics', { headers: { authorization: 'Bearer metrics-token-0123456788' } })).status).toBe(401);
      const ok = await locked.request('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('econtrol_process_resident_memory_bytes');
    } finally {
      await locked.close();
    }
  });

  it('OpenAPI 3.1 lists every route with its roles and schemas; /api/docs serves the browser UI', async () => {
    const res = await app.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const routes = discoverRoutes(controllers);
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const op = res.body.paths[route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.summary).toBe(route.spec.summary);
    }
    const login = res.body.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/LoginRequest');
    expect(res.body.components.schemas.LoginRequest.properties.password).toBeDefined();
    const zones = res.body.paths['/api/v1/lan-centers/{lanCenterId}/zones'].post;
    expect(zones['x-roles']).toEqual(['MANAGER']);
    expect(JSON.stringify(res.body)).not.toContain('#/$defs/');
    const docs = await app.request('GET', '/api/docs');
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('swagger');
  });
});
