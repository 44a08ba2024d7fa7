import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { newOrg, newPc, newZone, type OrgFixture } from '../testing/factories.js';
import { pairingCode } from '../agent-gateway/testing/agent-harness.js';

// Every PC of a LAN center reaches a hosted server from one public IP (NAT): limits that matter
// for PCs count per PC, not per IP.
const AUTH_LIMIT = 12;
let app: TestApp;
let org: OrgFixture;
beforeAll(async () => {
  app = await startTestApp({ AUTH_RATE_LIMIT_PER_MIN: String(AUTH_LIMIT), AGENT_TOKEN_RATE_LIMIT_PER_MIN: '1000' });
  org = await newOrg(app); // 1 request in the per-IP auth bucket
});
afterAll(async () => {
  await app.close();
});

async function enrollPc(): Promise<{ deviceId: string; deviceSecret: string }> {
  const zone = await newZone(app, org);
  const pc = await newPc(app, org, zone.id);
  const res = await app.request('POST', '/api/v1/agent/enroll', {
    body: { pairingCode: await pairingCode(app, org, pc.id), machine: { hostname: 'pc', os: 'linux', agentVersion: '0.1.0' } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { deviceId: res.body.deviceId, deviceSecret: res.body.deviceSecret };
}

const renew = (credential: { deviceId: string; deviceSecret: string }) => app.request('POST', '/api/v1/agent/token', { body: credential });
const lockScreenLogin = (token: string, username: string) =>
  app.request('POST', '/api/v1/agent/login', { token, body: { kind: 'account', username, password: 'no-es-la-clave' } });

describe('rate limits for PCs behind one public IP', () => {
  it('three PCs renew their tokens 5 times each (15 > the per-IP auth limit): all pass; one PC over its own limit is refused', async () => {
    const pcs = [await enrollPc(), await enrollPc(), await enrollPc()]; // 3 more in the per-IP bucket
    const answers = await Promise.all(pcs.flatMap((c) => Array.from({ length: 5 }, () => renew(c))));
    expect(answers.map((a) => a.status)).toEqual(Array(15).fill(200));
    const more = [];
    for (let i = 0; i < AUTH_LIMIT - 5 + 1; i++) more.push((await renew(pcs[0]!)).status);
    expect(more.slice(0, -1)).toEqual(Array(AUTH_LIMIT - 5).fill(200));
    const refused = await renew(pcs[0]!);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 60 } });
    expect((await renew(pcs[1]!)).status).toBe(200);
  });

  it('lock-screen login guesses are limited per PC: one PC is stopped, the PC beside it still logs in', async () => {
    const [a, b] = [await enrollPc(), await enrollPc()];
    const tokenA = (await renew(a)).body.accessToken as string;
    const tokenB = (await renew(b)).body.accessToken as string;
    for (let i = 0; i < AUTH_LIMIT; i++) expect((await lockScreenLogin(tokenA, `nadie-${i}`)).body.error.code).toBe('INVALID_CREDENTIALS');
    const stopped = await lockScreenLogin(tokenA, 'nadie-mas');
    expect(stopped.status).toBe(429);
    expect(stopped.body.error.code).toBe('RATE_LIMITED');
    expect((await lockScreenLogin(tokenB, 'otro')).body.error.code).toBe('INVALID_CREDENTIALS');
  });
});
