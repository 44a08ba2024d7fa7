/**
 * Device credential at rest: AES-256-GCM (node:crypto), key = HKDF-SHA256(machine secret file ‖
 * hostname, random salt). The secret file holds 32 random bytes, so a memory-hard KDF would add no
 * strength; v1 blobs (scrypt, N=2^14: a 16 MB allocation that the C heap keeps as resident memory
 * for the life of the process) are still read and re-sealed as v2 on first load.
 *
 * Threat model, honestly:
 * - Protects against: the SQLite journal leaking on its own (copied in a support bundle, a backup, a
 *   synced folder), and a journal copied to another machine (different secret file / hostname). GCM
 *   also detects tampering with the stored blob.
 * - Does NOT protect against: anyone who can read both the secret file and the journal on the PC
 *   (an administrator/root, or malware running as the agent's user). They can run the agent anyway.
 *   Mitigations: the secret file is created 0600 (on Windows put the data dir under
 *   %ProgramData% with an ACL for the service account only — or replace this with DPAPI machine
 *   scope); the gamer's account must not be the agent's account; the server stores only a hash of
 *   the device secret, access tokens are short-lived, and a manager can revoke the PC at once
 *   (`PC_REVOKED`), after which the stolen secret is worthless.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { Journal } from './journal.js';

export interface DeviceCredential {
  pcId: string;
  lanCenterId: string;
  organizationId: string;
  deviceId: string;
  deviceSecret: string;
  serverUrl: string;
}

interface SealedBlob {
  v: 1 | 2;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

const KV_KEY = 'device_credential';
const AAD = Buffer.from('econtrol-agent/device-credential/v1');

export function loadOrCreateMachineSecret(path: string): Buffer {
  if (existsSync(path)) {
    const s = readFileSync(path);
    if (s.length >= 32) return s;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(path, secret, { mode: 0o600, flag: 'w' });
  try {
    chmodSync(path, 0o600);
  } catch {
    // best effort on filesystems without POSIX modes
  }
  return secret;
}

export class CredentialStore {
  constructor(
    private readonly journal: Journal,
    private readonly machineSecret: Buffer,
    private readonly host: string = hostname(),
  ) {}

  private key(salt: Buffer, v: 1 | 2): Buffer {
    const ikm = Buffer.concat([this.machineSecret, Buffer.from(`\0${this.host}`)]);
    if (v === 1) return scryptSync(ikm, salt, 32, { N: 1 << 14, r: 8, p: 1 });
    return Buffer.from(hkdfSync('sha256', ikm, salt, 'econtrol-agent/device-credential/v2', 32));
  }

  save(credential: DeviceCredential): void {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(salt, 2), iv);
    cipher.setAAD(AAD);
    const data = Buffer.concat([cipher.update(JSON.stringify(credential), 'utf8'), cipher.final()]);
    const blob: SealedBlob = {
      v: 2,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    this.journal.setJson(KV_KEY, blob);
  }

  /** The credential, or undefined when none is stored. Throws when the blob cannot be decrypted. */
  load(): DeviceCredential | undefined {
    const blob = this.journal.getJson<SealedBlob>(KV_KEY);
    if (!blob) return undefined;
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key(Buffer.from(blob.salt, 'base64'), blob.v === 1 ? 1 : 2),
      Buffer.from(blob.iv, 'base64'),
    );
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(blob.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(blob.data, 'base64')), decipher.final()]);
    const credential = JSON.parse(plain.toString('utf8')) as DeviceCredential;
    if (blob.v === 1) this.save(credential);
    return credential;
  }

  clear(): void {
    this.journal.deleteKv(KV_KEY);
  }
}
