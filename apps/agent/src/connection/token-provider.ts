/** Access tokens for the socket and /login, renewed from the device credential without a person. */
import type { DeviceCredential } from '../journal/credential-store.js';
import type { ServerClock } from '../session/server-clock.js';
import type { ServerApi } from './server-api.js';

export class TokenProvider {
  private token: string | null = null;
  private validUntilMono = 0;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly api: Pick<ServerApi, 'token'>,
    private readonly credential: Pick<DeviceCredential, 'deviceId' | 'deviceSecret'>,
    private readonly clock: ServerClock,
  ) {}

  /** A token valid for a while; renews at 80 % of its lifetime (measured on the monotonic clock). */
  get(): Promise<string> {
    if (this.token && this.clock.monoNow() < this.validUntilMono) return Promise.resolve(this.token);
    this.inflight ??= this.renew().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  invalidate(): void {
    this.token = null;
    this.validUntilMono = 0;
  }

  private async renew(): Promise<string> {
    const r = await this.api.token(this.credential.deviceId, this.credential.deviceSecret);
    const now = this.clock.serverNowOrNull() ?? Date.now();
    const ttl = Math.max(0, Date.parse(r.expiresAt) - now);
    this.token = r.accessToken;
    this.validUntilMono = this.clock.monoNow() + Math.min(ttl * 0.8, 24 * 3600_000);
    return r.accessToken;
  }
}
