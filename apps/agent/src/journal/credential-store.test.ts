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
});
