/**
 * The agent: wires journal, server clock, session manager, platform, process guard, local API and
 * the server connection. Start order matters for S13: the desktop is locked and the guard has swept
 * once before anything else (local API, network) starts.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type {
  AgentCommand,
  AgentConfig,
  AgentEventBody,
  AgentLoginRequest,
  AgentWelcome,
  CommandAck,
  ErrorCode,
} from '@econtrol/contracts';
import { installZoneTable } from '@econtrol/billing';
import { AgentConnection, type ConnectionStatus } from './connection/agent-connection.js';
import { backoffDelay, defaultBackoff } from './connection/backoff.js';
import { ServerApi, ServerApiError, type LoginGateway } from './connection/server-api.js';
import { TokenProvider } from './connection/token-provider.js';
import { Diagnostics } from './diagnostics.js';
import { ProcessGuard, type GuardScope } from './guard/process-guard.js';
import {
  CredentialStore,
  loadOrCreateMachineSecret,
  type DeviceCredential,
} from './journal/credential-store.js';
import { Journal } from './journal/journal.js';
import {
  LocalApi,
  type ActionResult,
  type LocalApiBackend,
  type LocalSettings,
  type LocalStatus,
  type StaffMessage,
} from './local-api/local-api.js';
import { createPlatform } from './platform/create-platform.js';
import { AGENT_PROTOCOL_VERSION, errorCatalog } from './protocol/contracts-values.js';
import { agentConfig } from './protocol/inbound.js';
import type { Platform } from './platform/platform.js';
import {
  ServerClock,
  systemMonotonicClock,
  systemWallClock,
  type PersistedAnchor,
} from './session/server-clock.js';
import { SessionManager, type SessionResult } from './session/session-manager.js';
import { AGENT_VERSION } from './version.js';

export interface AgentOptions {
  serverUrl?: string;
  dataDir: string;
  port: number;
  pairingCode?: string;
  platform?: Platform;
  guardScope?: GuardScope;
  /** Secret file for the credential key (default `<dataDir>/machine.key`). */
  machineSecretPath?: string;
  /** How long a restored session waits for the server's word before resuming offline (S2). */
  resumeGraceMs?: number;
  loginGateway?: LoginGateway;
  log?: (msg: string) => void;
  /** Test only: the PC's wall clock runs this far ahead (S14: must not change any amount). */
  wallClockOffsetMs?: number;
  /** Test only: protocol version announced in the handshake (S15). */
  protocolVersion?: number;
  /** Ceiling of the reconnect backoff (default 60 s). */
  reconnectMaxMs?: number;
  /** Event-loop delay and outbox backlog in `GET /health` (see diagnostics.ts). */
  diagnostics?: boolean;
}

const KV_CONFIG = 'config';
const KV_ANCHOR = 'server_anchor';
const KV_REVOKED = 'revoked';

export class Agent implements LocalApiBackend {
  readonly journal: Journal;
  readonly clock: ServerClock;
  readonly platform: Platform;
  readonly session: SessionManager;
  readonly guard: ProcessGuard;
  readonly localApi: LocalApi;
  private readonly credentials: CredentialStore;
  private config: AgentConfig;
  private connection: AgentConnection | null = null;
  private api: ServerApi | null = null;
  private loginGateway: LoginGateway | null;
  private connStatus: ConnectionStatus = 'offline';
  private maintenance = false;
  private lockMessage: string | null = null;
  private messages: StaffMessage[] = [];
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private anchorTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly log: (msg: string) => void;
  private readonly diagnostics: Diagnostics | null;
  private stopped = false;

  constructor(private readonly o: AgentOptions) {
    this.log = o.log ?? ((m) => console.log(`[agent] ${m}`));
    const offset = o.wallClockOffsetMs ?? 0;
    this.clock = new ServerClock(
      systemMonotonicClock,
      offset ? { nowMs: () => Date.now() + offset } : systemWallClock,
    );
    this.journal = new Journal(join(o.dataDir, 'agent.db'));
    this.credentials = new CredentialStore(
      this.journal,
      loadOrCreateMachineSecret(o.machineSecretPath ?? join(o.dataDir, 'machine.key')),
    );
    this.config = agentConfig(this.journal.getJson<unknown>(KV_CONFIG) ?? {}, 'stored config');
    this.useZoneTable(this.config);
    this.platform =
      o.platform ?? createPlatform({ log: this.log, powerEnabled: process.env.ECONTROL_AGENT_POWER === '1' });
    this.loginGateway = o.loginGateway ?? null;
    this.session = new SessionManager({
      journal: this.journal,
      clock: this.clock,
      isOnline: () => this.connStatus === 'online',
      emit: (body) => this.emit(body),
      desktop: {
        lock: async (reason) => {
          this.maintenance = false;
          await this.platform.lockDesktop(reason);
          void this.guard.sweep();
          if (reason !== 'paused') await this.platform.logoutCleanup();
        },
        unlock: async () => {
          this.maintenance = false;
          await this.platform.unlockDesktop();
        },
      },
      onNotice: (n) => this.log(`session: ${JSON.stringify(n)}`),
      log: this.log,
    });
    this.guard = new ProcessGuard({
      platform: this.platform,
      rules: this.config.guard,
      scope: o.guardScope ?? (this.platform.os === 'windows' ? { interactiveSessions: true } : {}),
      isLocked: () => !this.maintenance && this.session.phase !== 'in_session',
      onKilled: (name, rule, count) => this.emit({ type: 'guard.killed', processName: name, rule, count }),
      log: this.log,
    });
    this.diagnostics = o.diagnostics ? new Diagnostics(this.journal) : null;
    this.localApi = new LocalApi({
      ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}),
      backend: this,
      port: o.port,
      agentVersion: AGENT_VERSION,
      protocolVersion: AGENT_PROTOCOL_VERSION,
      log: this.log,
    });
  }

  async start(): Promise<void> {
    this.clock.restore(this.journal.getJson<PersistedAnchor>(KV_ANCHOR));
    await this.platform.lockDesktop('startup');
    await this.guard.start();
    const restored = this.session.restore();
    this.session.startTimer();
    const port = await this.localApi.listen();
    this.log(`local UI on http://127.0.0.1:${port}/`);
    this.anchorTimer = setInterval(() => this.persistAnchor(), 10_000);
    this.anchorTimer.unref();
    if (restored) {
      this.graceTimer = setTimeout(
        () => void this.session.confirmRestored(undefined),
        this.o.resumeGraceMs ?? 5_000,
      );
    }
    this.scheduleHeartbeat();
    void this.connectToServer();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.anchorTimer) clearInterval(this.anchorTimer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.session.stopTimer();
    this.diagnostics?.stop();
    this.guard.stop();
    this.connection?.stop();
    await this.localApi.close();
    this.persistAnchor();
    this.journal.close();
  }

  // ───────────────────────── server link ─────────────────────────

  private async connectToServer(): Promise<void> {
    let credential = this.safeLoadCredential();
    const revoked = this.journal.getKv(KV_REVOKED) === '1';
    const serverUrl = this.o.serverUrl ?? credential?.serverUrl;
    if (!serverUrl) {
      this.lockMessage = 'Sin servidor configurado (--server). / No server configured.';
      return;
    }
    let tokens: TokenProvider | null = null;
    const api: ServerApi = new ServerApi({
      baseUrl: serverUrl,
      accessToken: (): Promise<string> =>
        tokens ? tokens.get() : Promise.reject(new ServerApiError('UNAUTHENTICATED', 401)),
    });
    this.api = api;
    if ((!credential || revoked) && this.o.pairingCode) {
      credential = await this.enroll(api, serverUrl, this.o.pairingCode);
    }
    if (this.stopped) return;
    if (!credential) {
      this.lockMessage ??=
        'Esta PC no está vinculada: inicia el agente con --pairing-code. / This PC is not paired.';
      return;
    }
    const provider = new TokenProvider(api, credential, this.clock);
    tokens = provider;
    this.loginGateway ??= api;
    this.connection = new AgentConnection({
      serverUrl,
      journal: this.journal,
      clock: this.clock,
      agentVersion: AGENT_VERSION,
      getToken: () => provider.get(),
      invalidateToken: () => provider.invalidate(),
      activeSessionId: () => this.session.activeSessionId,
      onCommand: (cmd) => this.onCommand(cmd),
      onWelcome: (w) => this.onWelcome(w),
      onStatus: (s, detail) => this.onConnectionStatus(s, detail),
      onAnchorJump: () => this.session.invalidatePlan(),
      log: this.log,
      ...(this.o.protocolVersion === undefined ? {} : { protocolVersion: this.o.protocolVersion }),
      ...(this.o.reconnectMaxMs === undefined
        ? {}
        : { backoff: { ...defaultBackoff, maxMs: this.o.reconnectMaxMs } }),
    });
    this.connection.start();
  }

  private safeLoadCredential(): DeviceCredential | undefined {
    try {
      return this.credentials.load();
    } catch (error) {
      this.log(`stored credential unreadable (${(error as Error).message}); re-enrollment needed`);
      return undefined;
    }
  }

  private async enroll(
    api: ServerApi,
    serverUrl: string,
    pairingCode: string,
  ): Promise<DeviceCredential | undefined> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const r = await api.enroll({
          pairingCode,
          machine: {
            hostname: hostname(),
            os:
              process.platform === 'win32'
                ? 'windows'
                : process.platform === 'linux'
                  ? 'linux'
                  : process.platform === 'darwin'
                    ? 'macos'
                    : 'other',
            agentVersion: AGENT_VERSION,
          },
        });
        const credential: DeviceCredential = { ...r, serverUrl };
        this.credentials.save(credential);
        this.journal.deleteKv(KV_REVOKED);
        this.lockMessage = null;
        this.log(`enrolled as PC ${r.pcId}`);
        return credential;
      } catch (error) {
        const code = error instanceof ServerApiError ? error.code : 'INTERNAL_ERROR';
        this.log(`enrollment failed: ${code}`);
        if (code !== 'SERVICE_UNAVAILABLE') {
          this.lockMessage = `${errorCatalog[code].es} / ${errorCatalog[code].en}`;
          return undefined;
        }
        this.lockMessage = `${errorCatalog.SERVICE_UNAVAILABLE.es} / ${errorCatalog.SERVICE_UNAVAILABLE.en}`;
        await new Promise((r) => setTimeout(r, backoffDelay(attempt)));
      }
    }
    return undefined;
  }

  private onConnectionStatus(s: ConnectionStatus, detail?: string): void {
    this.connStatus = s;
    this.log(`connection: ${s}${detail ? ` (${detail})` : ''}`);
    if (s === 'revoked') this.journal.setKv(KV_REVOKED, '1');
    if (s === 'online') this.sendHeartbeat();
  }

  private onWelcome(w: AgentWelcome): void {
    this.applyConfig(w.config);
    this.persistAnchor();
    if (this.session.phase === 'resuming') {
      if (this.graceTimer) clearTimeout(this.graceTimer);
      this.graceTimer = null;
      void this.session.confirmRestored(w.activeSessionId);
    }
  }

  private applyConfig(config: AgentConfig): void {
    const changedInterval = config.heartbeatIntervalSec !== this.config.heartbeatIntervalSec;
    this.config = config;
    this.journal.setJson(KV_CONFIG, config);
    this.useZoneTable(config);
    this.guard.updateRules(config.guard);
    if (changedInterval) this.scheduleHeartbeat();
    void this.guard.sweep();
  }

  /** Local time from the server's offset table: no Intl formatter (~8 MB of ICU data) in the agent. */
  private useZoneTable(config: AgentConfig): void {
    if (!config.zoneTable) return;
    try {
      installZoneTable(config.zoneTable);
    } catch (error) {
      this.log(`zone table ignored: ${(error as Error).message}`);
    }
  }

  private scheduleHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), this.config.heartbeatIntervalSec * 1000);
    this.heartbeatTimer.unref();
  }

  private sendHeartbeat(): void {
    const st = this.session.status();
    const q = this.session.activeSessionId ? this.session.quoteNow() : null;
    this.emit(
      {
        type: 'heartbeat',
        status: this.maintenance ? 'maintenance' : st.phase === 'resuming' ? 'locked' : st.phase,
        sessionId: st.sessionId,
        ...(q ? { billedSeconds: q.billedSeconds, amountMinor: q.amountMinor } : {}),
        outboxBacklog: this.journal.pendingCount(),
        rssBytes: process.memoryUsage.rss(),
        agentVersion: AGENT_VERSION,
      },
      true,
    );
  }

  private persistAnchor(): void {
    const a = this.clock.persisted();
    if (a && this.journal.db.isOpen) this.journal.setJson(KV_ANCHOR, a);
  }

  /** Journals an event first, then asks the connection to send it. */
  emit(body: AgentEventBody, coalesce = false): void {
    this.journal.append(
      body,
      this.clock.stamp(),
      coalesce ? { coalesce: true, keepSeqs: this.connection?.inFlightSeqs() ?? [] } : {},
    );
    this.connection?.flushSoon();
  }

  /**
   * Test hook (bench): journals `count` `agent.notice` events, 500 per transaction, yielding to the
   * event loop between chunks. Returns the time it took, ms.
   */
  async journalSyntheticEvents(count: number): Promise<number> {
    const t0 = performance.now();
    for (let done = 0; done < count;) {
      const n = Math.min(500, count - done);
      this.journal.transaction(() => {
        for (let i = 1; i <= n; i++) {
          const message = `synthetic event ${done + i}/${count}`;
          this.journal.append(
            { type: 'agent.notice', level: 'info', code: 'SYNTHETIC', message },
            this.clock.stamp(),
          );
        }
      });
      done += n;
      await new Promise((r) => setImmediate(r));
    }
    this.connection?.flushSoon();
    return Math.round(performance.now() - t0);
  }

  // ───────────────────────── commands ─────────────────────────

  async onCommand(cmd: AgentCommand): Promise<CommandAck> {
    const ok = (session?: SessionResult): CommandAck => {
      if (session && !session.ok)
        return { ok: false, commandId: cmd.commandId, code: session.code, message: session.message };
      return {
        ok: true,
        commandId: cmd.commandId,
        monotonicMs: this.clock.monoNow(),
        serverMs: this.clock.serverNowOrNull(),
        ...(session?.ok ? { session: session.session } : {}),
      };
    };
    const fail = (code: ErrorCode, message?: string): CommandAck => ({
      ok: false,
      commandId: cmd.commandId,
      code,
      message,
    });
    switch (cmd.type) {
      case 'session.start':
        if (this.session.phase === 'resuming') return fail('PC_IN_USE', 'resuming a previous session');
        return ok(await this.session.start(cmd));
      case 'session.end':
        return ok(await this.session.end(cmd.reason, cmd.sessionId));
      case 'session.extend': {
        const change = {
          ...(cmd.balanceMinor === undefined ? {} : { balanceMinor: cmd.balanceMinor }),
          ...(cmd.packages === undefined ? {} : { packages: cmd.packages }),
          ...(cmd.limits === undefined ? {} : { limits: cmd.limits }),
        };
        return ok(this.session.extend(cmd.sessionId, change));
      }
      case 'session.pause':
        return ok(await this.session.pause(cmd.sessionId));
      case 'session.resume':
        return ok(await this.session.resume(cmd.sessionId));
      case 'pc.lock': {
        this.lockMessage = cmd.message ?? null;
        const id = this.session.activeSessionId;
        if (id && this.session.phase === 'in_session') await this.session.pause(id);
        this.maintenance = false;
        await this.platform.lockDesktop('staff');
        void this.guard.sweep();
        return ok();
      }
      case 'pc.unlock':
        if (this.session.activeSessionId) return fail('PC_IN_USE');
        this.maintenance = true;
        this.lockMessage = null;
        await this.platform.unlockDesktop();
        return ok();
      case 'pc.message':
        this.messages = [
          ...this.messages.slice(-19),
          { id: cmd.commandId, text: cmd.text, from: cmd.from ?? null, atMs: this.clock.serverNow() },
        ];
        return ok();
      case 'pc.shutdown':
      case 'pc.restart': {
        if (this.session.activeSessionId) await this.session.end('staff');
        const action =
          cmd.type === 'pc.shutdown' ? () => this.platform.shutdown() : () => this.platform.restart();
        setTimeout(() => void action(), 500);
        return ok();
      }
      case 'config.update':
        this.applyConfig(cmd.config);
        return ok();
    }
  }

  // ───────────────────────── local API backend ─────────────────────────

  status(): LocalStatus {
    return {
      session: this.session.status(),
      connection: this.connStatus,
      locked: this.platform.isLocked(),
      lockMessage: this.lockMessage,
      messages: this.messages,
    };
  }

  settings(): LocalSettings {
    const c = this.config;
    return {
      locale: c.locale,
      currency: c.currency,
      lanCenterName: c.lanCenterName,
      pcName: c.pcName,
      timezone: c.timezone,
      shopProducts: c.shopProducts,
    };
  }

  async login(request: AgentLoginRequest): Promise<ActionResult<{ sessionId: string }>> {
    if (this.session.activeSessionId) return { ok: false, code: 'PC_IN_USE' };
    if (this.connStatus === 'upgrade_required') return { ok: false, code: 'AGENT_UPGRADE_REQUIRED' };
    if (this.connStatus === 'revoked') return { ok: false, code: 'PC_REVOKED' };
    if (!this.loginGateway) return { ok: false, code: 'SERVICE_UNAVAILABLE' };
    try {
      const r = await this.loginGateway.login(request);
      return { ok: true, sessionId: r.sessionId };
    } catch (error) {
      if (error instanceof ServerApiError) return { ok: false, code: error.code, message: error.message };
      return { ok: false, code: 'SERVICE_UNAVAILABLE' };
    }
  }

  requestExtension(minutes: number): ActionResult {
    const id = this.session.activeSessionId;
    if (!id) return { ok: false, code: 'SESSION_NOT_ACTIVE' };
    this.emit({ type: 'session.extend_requested', sessionId: id, minutes });
    return { ok: true };
  }

  order(items: { productId: string; quantity: number }[], note?: string): ActionResult<{ orderId: string }> {
    const orderId = randomUUID();
    const s = this.session.status();
    const known = new Set(this.config.shopProducts.filter((p) => p.available).map((p) => p.id));
    if (items.some((i) => !known.has(i.productId)))
      return { ok: false, code: 'NOT_FOUND', message: 'unknown product' };
    this.emit({
      type: 'store.order',
      orderId,
      sessionId: s.sessionId,
      customerId: s.customerId,
      items,
      ...(note === undefined ? {} : { note }),
    });
    return { ok: true, orderId };
  }

  async endByCustomer(): Promise<ActionResult> {
    const r = await this.session.end('customer');
    return r.ok ? { ok: true } : { ok: false, code: r.code };
  }
}
