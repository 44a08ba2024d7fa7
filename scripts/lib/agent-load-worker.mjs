// One load-generator process of `npm run bench:agents` (forked; the parent drives it over IPC).
// It holds a share of the protocol clients (scripts/lib/agent-client.mjs): enrolls them (real REST
// path) or, for the bare baseline, gives them a fake token; connects them at a paced rate; they
// heartbeat at the welcome's interval, ack commands, and in the storm journal one `agent.notice`
// when the server goes away, reconnect with the agent's backoff and resend it.
import { AgentClient } from './agent-client.mjs';

const clients = [];
const CONNECT_DEADLINE_MS = 120_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let hb = [];
let hbFailed = 0;
let drops = 0;
let dropReasons = {};
let commands = 0;
let connectErrors = {};
let storm = null;

function hooksFor(state) {
  return {
    onAck: (_kind, ms, ok) => {
      if (ok) hb.push(ms);
      else hbFailed++;
    },
    onCommand: () => commands++,
    onConnectError: (code) => {
      connectErrors[code] = (connectErrors[code] ?? 0) + 1;
    },
    onDrop: (reason) => {
      if (storm) {
        if (state.droppedAt) return;
        state.droppedAt = Date.now();
        // Journaled while the server is away; it must reach the server exactly once.
        state.noticeId = state.client.journal({ type: 'agent.notice', level: 'warn', code: storm.code, message: 'server connection lost' });
        storm.journaled++;
        return;
      }
      drops++;
      dropReasons[reason] = (dropReasons[reason] ?? 0) + 1;
    },
    onSynced: (at) => {
      if (storm && state.droppedAt && !state.syncedAt) {
        state.syncedAt = at;
        storm.synced++;
      }
    },
  };
}

async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

const errorsOf = (list) => [...new Set(list.map((e) => e.message))].slice(0, 5);

const handlers = {
  async prepare({ base, mode, clients: specs, concurrency }) {
    const errors = [];
    for (const spec of specs) {
      const state = { spec, droppedAt: 0, syncedAt: 0, noticeId: null };
      state.client = new AgentClient(base, spec.pcId, {
        reconnect: true,
        hooks: hooksFor(state),
        ...(mode === 'bare' ? { token: `bare:${spec.lan}:${spec.pcId}` } : {}),
      });
      clients.push(state);
    }
    if (mode === 'app') {
      // A pairing code is single use: the enrollment is not retried, the token request is.
      const retried = async (fn) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await fn();
          } catch (error) {
            if (attempt >= 2) throw error;
            await sleep(250 * (attempt + 1));
          }
        }
      };
      await pool(clients, concurrency, async (s, i) => {
        try {
          if (s.spec.code) await s.client.enrollWithCode(s.spec.code, `bench-${process.pid}-${i}`, { renew: false });
          else s.client.device = { deviceId: s.spec.deviceId, deviceSecret: s.spec.deviceSecret };
          await retried(() => s.client.renewToken());
        } catch (error) {
          s.failed = true;
          errors.push(error);
        }
      });
    }
    return { ok: clients.filter((s) => !s.failed).length, failed: errors.length, errors: errorsOf(errors) };
  },

  /** Connects at `perSec` at most, with at most `inFlight` handshakes pending (a closed-loop ramp). */
  async connect({ perSec, inFlight }) {
    const t0 = Date.now();
    const errors = [];
    let ok = 0;
    const gap = 1000 / perSec;
    const todo = clients.filter((s) => !s.failed);
    await pool(todo, inFlight, async (s, k) => {
      const wait = t0 + k * gap - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        // Like the agent: a refused or timed-out connect is retried with backoff.
        let timer;
        await Promise.race([
          s.client.connect({ retry: true }),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`agent ${s.spec.pcId}: not connected after ${CONNECT_DEADLINE_MS} ms`)), CONNECT_DEADLINE_MS))),
        ]).finally(() => clearTimeout(timer));
        s.client.startHeartbeats();
        ok++;
      } catch (error) {
        s.client.close();
        s.failed = true;
        errors.push(error);
      }
    });
    const connectedIds = clients.filter((s) => !s.failed).map((s) => s.spec.pcId);
    return { ok, failed: errors.length, errors: errorsOf(errors), ms: Date.now() - t0, connectedIds, connectErrors };
  },

  mark() {
    hb = [];
    hbFailed = 0;
    commands = 0;
    return {};
  },

  stats() {
    const online = clients.filter((s) => s.client.online).length;
    const connected = clients.filter((s) => s.client.socket?.connected).length;
    return { online, connected, drops, dropReasons, hb, hbFailed, commands, rss: process.memoryUsage.rss() };
  },

  arm({ code }) {
    storm = { code, journaled: 0, synced: 0 };
    connectErrors = {};
    return {};
  },

  stormStatus() {
    return { synced: storm.synced, journaled: storm.journaled, online: clients.filter((s) => s.client.online).length };
  },

  stormResult() {
    const states = clients.filter((s) => !s.failed);
    return {
      droppedAt: states.map((s) => s.droppedAt),
      syncedAt: states.map((s) => s.syncedAt),
      noticeIds: states.map((s) => s.noticeId).filter(Boolean),
      pending: states.reduce((n, s) => n + s.client.outbox.length, 0),
      journaled: storm.journaled,
      connectErrors,
    };
  },

  disarm() {
    storm = null;
    return {};
  },

  async close() {
    for (const s of clients) s.client.close();
    await sleep(200);
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, op, ...args }) => {
  try {
    const result = await handlers[op](args);
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: error?.stack ?? String(error) });
  }
});
process.send({ ready: true });
