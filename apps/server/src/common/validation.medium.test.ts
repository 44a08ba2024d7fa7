import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { newOrg, newZone, type OrgFixture } from '../testing/factories.js';

let app: TestApp;
let org: OrgFixture;
beforeAll(async () => {
  app = await startTestApp({ BODY_LIMIT_BYTES: '20000' });
  org = await newOrg(app);
});
afterAll(async () => {
  await app.close();
});

const paths = (res: { body: { error: { fields?: { path: string }[] } } }) => res.body.error.fields?.map((f) => f.path) ?? [];

describe('bad input gets 400 with the offending fields, in es and en', () => {
  it('signup with several bad fields lists each of them', async () => {
    const res = await app.request('POST', '/api/v1/signup', {
      headers: { 'accept-language': 'en-US' },
      body: {
        organizationName: '',
        currency: 'EUR',
        lanCenter: { name: 'X', timezone: 'Mars/Olympus' },
        manager: { name: 'Ana', email: 'not-an-email', username: 'a', password: 'short' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toBe('Invalid data.');
    expect(res.body.error.messages.es).toBe('Datos inválidos.');
    expect(paths(res).sort()).toEqual(
      ['currency', 'lanCenter.timezone', 'manager.email', 'manager.password', 'manager.username', 'organizationName'].sort(),
    );
    const tz = res.body.error.fields.find((f: { path: string }) => f.path === 'lanCenter.timezone');
    expect(tz).toMatchObject({ message: 'Unknown IANA time zone', messages: { es: 'Zona horaria IANA desconocida', en: 'Unknown IANA time zone' } });
  });

  it('field messages follow the request language (Spanish by default), both are always given', async () => {
    const body = { name: 42, position: -1, hacker: true };
    const es = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, { token: org.managerToken, body });
    const en = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, { token: org.managerToken, body, headers: { 'accept-language': 'en' } });
    const byPath = (res: typeof es) => Object.fromEntries(res.body.error.fields.map((f: { path: string }) => [f.path, f]));
    expect(byPath(es).name).toEqual({ path: 'name', code: 'invalid_type', message: 'Entrada inválida: se esperaba texto, recibido número', messages: { es: 'Entrada inválida: se esperaba texto, recibido número', en: 'Invalid input: expected string, received number' } });
    expect(byPath(en).name.message).toBe('Invalid input: expected string, received number');
    expect(byPath(es)['(root)']).toMatchObject({ code: 'unrecognized_keys', messages: { es: 'Llave desconocida: "hacker"', en: 'Unrecognized key: "hacker"' } });
    for (const f of es.body.error.fields) expect(f.message).toBe(f.messages.es);
    for (const f of en.body.error.fields) expect(f.message).toBe(f.messages.en);
  });

  it('wrong types, unknown fields, bad ids and bad query values', async () => {
    const zone = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, {
      token: org.managerToken,
      body: { name: 42, position: -1, hacker: true },
    });
    expect(zone.status).toBe(400);
    expect(paths(zone)).toEqual(expect.arrayContaining(['name', 'position']));
    const badId = await app.request('GET', '/api/v1/zones/not-a-uuid', { token: org.managerToken });
    expect(badId.status).toBe(400);
    expect(paths(badId)).toEqual(['id']);
    const badQuery = await app.request('GET', '/api/v1/customers?limit=100000', { token: org.managerToken });
    expect(badQuery.status).toBe(400);
    expect(paths(badQuery)).toEqual(['limit']);
    const badCursor = await app.request('GET', '/api/v1/customers?cursor=zzz', { token: org.managerToken });
    expect(badCursor.status).toBe(400);
    expect(paths(badCursor)).toEqual(['cursor']);
  });

  it('malformed JSON and oversized bodies get a clear error and write nothing', async () => {
    const broken = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, {
      token: org.managerToken,
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('BAD_REQUEST');
    const huge = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, {
      token: org.managerToken,
      body: { name: 'x'.repeat(50_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const list = await app.request('GET', `/api/v1/lan-centers/${org.lanCenterId}/zones`, { token: org.managerToken });
    expect(list.body).toEqual([]);
  });

  it('duplicates are a 409 with a stable code, not a 500', async () => {
    await newZone(app, org, 'VIP');
    const dup = await app.request('POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, { token: org.managerToken, body: { name: 'VIP' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const other = await newOrg(app);
    const taken = await app.request('POST', '/api/v1/customers', {
      token: other.managerToken,
      body: { name: 'Otro', username: org.managerLogin },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('USERNAME_TAKEN');
  });

  it('unknown routes answer a JSON 404', async () => {
    const res = await app.request('GET', '/api/v1/does-not-exist', { token: org.managerToken });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('hostile text', () => {
  it('NUL characters anywhere are a 400 naming the field, never a 500, and nothing is written', async () => {
    const org = await newOrg(app);
    const body = await app.request('POST', '/api/v1/customers', { token: org.managerToken, body: { name: 'x\u0000y', username: 'nul-user', password: 'secret-pass-1' } });
    expect(body.status).toBe(400);
    expect(body.body.error.fields).toEqual([{ path: 'name', code: 'invalid_characters', message: 'No se permiten caracteres NUL', messages: { es: 'No se permiten caracteres NUL', en: 'NUL characters are not allowed' } }]);
    const nested = await app.request('PATCH', `/api/v1/lan-centers/${org.lanCenterId}`, { token: org.managerToken, body: { settings: { agent: { processBlockList: ['ok', 'b\u0000d'] } } } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.fields[0].path).toBe('settings.agent.processBlockList.1');
    const query = await app.request('GET', '/api/v1/customers?q=a%00b', { token: org.managerToken });
    expect(query.status).toBe(400);
    const login = await app.request('POST', '/api/v1/auth/login', { body: { login: 'a\u0000', password: 'x' } });
    expect(login.status).toBe(400);
    const list = await app.request('GET', '/api/v1/customers', { token: org.managerToken });
    expect(list.body.items).toEqual([]);
  });
});
