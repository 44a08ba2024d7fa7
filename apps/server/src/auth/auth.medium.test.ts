import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLogs } from '../db/schema.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { PASSWORD, login, newCashier, newOrg, uniq } from '../testing/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('auth', () => {
  it('signup → login → me → refresh → logout, and the revoked refresh token is refused', async () => {
    const org = await newOrg(app);
    const me = await app.request('GET', '/api/v1/auth/me', { token: org.managerToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'MANAGER', organizationId: org.organizationId, lanCenterIds: [org.lanCenterId] });

    const byEmail = await login(app, `${org.managerLogin}@example.com`);
    expect(byEmail.body.user.id).toBe(org.managerId);
    const session = await login(app, org.managerLogin.toUpperCase());
    expect(session.token).toMatch(/^eyJ/);
    expect(new Date(session.body.accessTokenExpiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(new Date(session.body.accessTokenExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const refreshed = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(session.refreshToken);
    const me2 = await app.request('GET', '/api/v1/auth/me', { token: refreshed.body.accessToken });
    expect(me2.body.id).toBe(org.managerId);

    const out = await app.request('POST', '/api/v1/auth/logout', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(out.status).toBe(204);
    const after = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
  });

  it('reuse of a rotated refresh token revokes the whole family', async () => {
    const org = await newOrg(app);
    const first = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: org.refreshToken } });
    expect(first.status).toBe(200);
    const reuse = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: org.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('TOKEN_REUSED');
    // the legitimate newest token is dead too
    const next = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(next.status).toBe(401);
    const audit = await app.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.organizationId, org.organizationId), eq(auditLogs.action, 'auth.refresh_reuse_detected')));
    expect(audit.length).toBe(1);
  });

  it('10 parallel refreshes with one token: exactly one succeeds', async () => {
    const org = await newOrg(app);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: org.refreshToken } })),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(1);
    expect(results.filter((r) => r.status === 401).length).toBe(9);
  });

  it('locks the account after 5 failed logins, audits it, and refuses even the right password while locked', async () => {
    const org = await newOrg(app);
    for (let i = 0; i < 4; i++) {
      const res = await app.request('POST', '/api/v1/auth/login', { body: { login: org.managerLogin, password: 'wrong-password' } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await app.request('POST', '/api/v1/auth/login', { body: { login: org.managerLogin, password: 'wrong-password' } });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('ACCOUNT_LOCKED');
    const right = await app.request('POST', '/api/v1/auth/login', { body: { login: org.managerLogin, password: PASSWORD } });
    expect(right.status).toBe(423);
    const audit = await app.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityId, org.managerId), eq(auditLogs.action, 'auth.account_locked')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ failedAttempts: 5 });
  });

  it('S7: empty or blank passwords never authenticate nor register', async () => {
    const org = await newOrg(app);
    const empty = await app.request('POST', '/api/v1/auth/login', { body: { login: org.managerLogin, password: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('password');
    const blank = await app.request('POST', '/api/v1/staff', {
      token: org.managerToken,
      body: { name: 'X', username: uniq('u'), password: '          ', role: 'CASHIER', lanCenterIds: [org.lanCenterId] },
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.fields.map((f: { path: string }) => f.path)).toContain('password');
  });

  it('unknown users get the same answer as wrong passwords', async () => {
    const res = await app.request('POST', '/api/v1/auth/login', { body: { login: uniq('nobody'), password: 'whatever-123' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('cookie mode: httpOnly cookies, CSRF required on mutations, refresh through the cookie', async () => {
    const org = await newOrg(app);
    const res = await app.request('POST', '/api/v1/auth/login', {
      body: { login: org.managerLogin, password: PASSWORD, tokenMode: 'cookie' },
    });
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toBeUndefined();
    expect(res.body.refreshToken).toBeUndefined();
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
    expect(setCookie.find((c) => c.startsWith('ec_at='))).toMatch(/HttpOnly/);
    expect(setCookie.find((c) => c.startsWith('ec_rt='))).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
    expect(setCookie.find((c) => c.startsWith('ec_csrf='))).not.toMatch(/HttpOnly/);
    const cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
    const csrf = res.body.csrfToken as string;
    expect(cookies.ec_csrf).toBe(csrf);

    const read = await app.request('GET', '/api/v1/auth/me', { cookies: { ec_at: cookies.ec_at! } });
    expect(read.status).toBe(200);
    const body = { name: 'Zona CSRF' };
    const url = `/api/v1/lan-centers/${org.lanCenterId}/zones`;
    const noCsrf = await app.request('POST', url, { cookies: { ec_at: cookies.ec_at!, ec_csrf: csrf }, body });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
    const forged = await app.request('POST', url, {
      cookies: { ec_at: cookies.ec_at!, ec_csrf: 'attacker' },
      headers: { 'x-csrf-token': 'attacker' },
      body,
    });
    expect(forged.status).toBe(403);
    const ok = await app.request('POST', url, { cookies: { ec_at: cookies.ec_at!, ec_csrf: csrf }, headers: { 'x-csrf-token': csrf }, body });
    expect(ok.status).toBe(201);

    const refreshed = await app.request('POST', '/api/v1/auth/refresh', { cookies: { ec_rt: cookies.ec_rt! }, body: {} });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.csrfToken).toBeTypeOf('string');
  });

  it('a CASHIER cannot reach MANAGER routes', async () => {
    const org = await newOrg(app);
    const cashier = await newCashier(app, org);
    const cases: [string, string, unknown?][] = [
      ['GET', '/api/v1/staff'],
      ['POST', '/api/v1/staff', { name: 'X', username: uniq('u'), password: PASSWORD, role: 'MANAGER', lanCenterIds: [org.lanCenterId] }],
      ['POST', `/api/v1/lan-centers/${org.lanCenterId}/zones`, { name: 'VIP' }],
      ['POST', '/api/v1/lan-centers', { name: 'Otro local' }],
      ['PATCH', `/api/v1/lan-centers/${org.lanCenterId}`, { name: 'Hack' }],
    ];
    for (const [method, url, body] of cases) {
      const res = await app.request(method, url, { token: cashier.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const allowed = await app.request('GET', `/api/v1/lan-centers/${org.lanCenterId}/pcs`, { token: cashier.token });
    expect(allowed.status).toBe(200);
  });

  it('rejects missing, malformed and tampered tokens', async () => {
    const none = await app.request('GET', '/api/v1/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const bad = await app.request('GET', '/api/v1/auth/me', { token: 'not-a-jwt' });
    expect(bad.body.error.code).toBe('TOKEN_INVALID');
    const org = await newOrg(app);
    const [h, p, s] = org.managerToken.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.role = 'SUPER_ADMIN';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const res = await app.request('GET', '/api/v1/auth/me', { token: tampered });
    expect(res.status).toBe(401);
  });
});

describe('auth rate limit', () => {
  it('limits auth routes per IP', async () => {
    const limited = await startTestApp({ AUTH_RATE_LIMIT_PER_MIN: '3' }, app.database);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.request('POST', '/api/v1/auth/login', { body: { login: 'nobody-here', password: 'x-123456' } });
        codes.push(res.status);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('access tokens end before they expire when they must', () => {
  it('logout ends that login’s access token at once; another login of the same user keeps working', async () => {
    const org = await newOrg(app);
    const cashier = await newCashier(app, org);
    const other = await login(app, cashier.login);
    const mine = await login(app, cashier.login);
    expect((await app.request('GET', '/api/v1/auth/me', { token: mine.token })).status).toBe(200);
    const out = await app.request('POST', '/api/v1/auth/logout', { body: { refreshToken: mine.refreshToken } });
    expect(out.status).toBe(204);
    const after = await app.request('GET', '/api/v1/auth/me', { token: mine.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
    expect((await app.request('GET', '/api/v1/auth/me', { token: other.token })).status).toBe(200);
  });

  it('logout with only the bearer token (no refresh token) ends it too', async () => {
    const org = await newOrg(app);
    const cashier = await newCashier(app, org);
    const session = await login(app, cashier.login);
    const out = await app.request('POST', '/api/v1/auth/logout', { token: session.token, body: {} });
    expect(out.status).toBe(204);
    expect((await app.request('GET', '/api/v1/auth/me', { token: session.token })).status).toBe(401);
  });

  it('a refresh-token reuse ends the access tokens of that family', async () => {
    const org = await newOrg(app);
    const cashier = await newCashier(app, org);
    const session = await login(app, cashier.login);
    const rotated = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(rotated.status).toBe(200);
    const stolen = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(stolen.body.error.code).toBe('TOKEN_REUSED');
    expect((await app.request('GET', '/api/v1/auth/me', { token: rotated.body.accessToken })).status).toBe(401);
  });

  it('a demoted or disabled staff member’s access token stops working at once; a refresh carries the new role', async () => {
    const org = await newOrg(app);
    const res = await app.request('POST', '/api/v1/staff', {
      token: org.managerToken,
      body: { name: 'Marta Jefa', username: uniq('jefa'), password: PASSWORD, role: 'MANAGER', lanCenterIds: [org.lanCenterId] },
    });
    expect(res.status).toBe(201);
    const boss = await login(app, res.body.username);
    expect((await app.request('GET', '/api/v1/staff', { token: boss.token })).status).toBe(200);
    const demoted = await app.request('PATCH', `/api/v1/staff/${res.body.id}`, { token: org.managerToken, body: { role: 'CASHIER' } });
    expect(demoted.status).toBe(200);
    const stale = await app.request('GET', '/api/v1/staff', { token: boss.token });
    expect(stale.status).toBe(401);
    const refreshed = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: boss.refreshToken } });
    expect(refreshed.body.user.role).toBe('CASHIER');
    expect((await app.request('GET', '/api/v1/staff', { token: refreshed.body.accessToken })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);

    await app.request('PATCH', `/api/v1/staff/${res.body.id}`, { token: org.managerToken, body: { disabled: true } });
    expect((await app.request('GET', '/api/v1/auth/me', { token: refreshed.body.accessToken })).status).toBe(401);
    const again = await app.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(again.status).toBe(401);
  });
});
