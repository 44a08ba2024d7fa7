import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialStore, loadOrCreateMachineSecret, type DeviceCredential } from './credential-store.js';
import { Journal } from './journal.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cred: DeviceCredential = {
  pcId: '00000000-0000-4000-8000-000000000001',
  lanCenterId: '00000000-0000-4000-8000-000000000002',
  organizationId: '00000000-0000-4000-8000-000000000003',
  deviceId: '00000000-0000-4000-8000-000000000004',
  deviceSecret: 'super-secret-device-secret-0123456789abcdef',
  serverUrl: 'http://127.0.0.1:3000',
};

describe('credential store (AES-256-GCM at rest)', () => {
  it('round-trips, never stores the secret in clear, and creates a 0600 key file', () => {
    const keyPath = join(dir, 'machine.key');
    const secret = loadOrCreateMachineSecret(keyPath);
    expect(loadOrCreateMachineSecret(keyPath).equals(secret)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const dbPath = join(dir, 'agent.db');
    const j = new Journal(dbPath);
    const store = new CredentialStore(j, secret, 'pc-05');
    store.save(cred);
    expect(store.load()).toEqual(cred);
    j.close();
    expect(readFileSync(dbPath).includes(Buffer.from(cred.deviceSecret))).toBe(false);
    expect(readFileSync(`${dbPath}-wal`, { flag: 'a+' }).includes(Buffer.from(cred.deviceSecret))).toBe(
      false,
    );
  });

  it('cannot be decrypted with another machine secret or hostname, nor after tampering', () => {
    const j = new Journal(':memory:');
    const secret = Buffer.alloc(32, 7);
    new CredentialStore(j, secret, 'pc-05').save(cred);
    expect(() => new CredentialStore(j, secret, 'pc-06').load()).toThrow();
    expect(() => new CredentialStore(j, Buffer.alloc(32, 8), 'pc-05').load()).toThrow();
    const blob = j.getJson<{ data: string }>('device_credential');
    if (!blob) throw new Error('missing');
    const bytes = Buffer.from(blob.data, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    j.setJson('device_credential', { ...blob, data: bytes.toString('base64') });
    expect(() => new CredentialStore(j, secret, 'pc-05').load()).toThrow();
  });

  it('reads a v1 (scrypt) blob and re-seals it as v2 (HKDF)', () => {
    const j = new Journal(':memory:');
    const secret = Buffer.alloc(32, 9);
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const key = scryptSync(Buffer.concat([secret, Buffer.from('\0pc-05')]), salt, 32, {
      N: 1 << 14,
      r: 8,
      p: 1,
    });
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('econtrol-agent/device-credential/v1'));
    const data = Buffer.concat([cipher.update(JSON.stringify(cred), 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const b64 = (b: Buffer) => b.toString('base64');
    j.setJson('device_credential', { v: 1, salt: b64(salt), iv: b64(iv), tag: b64(tag), data: b64(data) });
    const store = new CredentialStore(j, secret, 'pc-05');
    expect(store.load()).toEqual(cred);
    expect(j.getJson<{ v: number }>('device_credential')?.v).toBe(2);
    expect(store.load()).toEqual(cred);
  });
});
