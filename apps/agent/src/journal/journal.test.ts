import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import type { AgentEventBody } from '@econtrol/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.js';

const stamp = (n = 0) => ({
  bootId: '6f1c7a52-4d3e-4a8e-9a55-2f3d4c5b6a71',
  monotonicMs: 1000 + n,
  wallMs: 1_700_000_000_000 + n,
  serverMs: 1_700_000_000_000 + n,
  anchorSource: 'server' as const,
});
const order = (n: number): AgentEventBody => ({
  type: 'store.order',
  orderId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  sessionId: null,
  customerId: null,
  items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }],
});

const dirs: string[] = [];
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'agent-journal-'));
  dirs.push(d);
  return join(d, 'agent.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('journal (outbox)', () => {
  it('keeps events in seq order, deletes only acked ones, ignores repeated acks', () => {
    const j = new Journal(tempDb());
    const a = j.append(order(1), stamp(1));
    const b = j.append(order(2), stamp(2));
    const c = j.append(order(3), stamp(3));
    expect([a.seq, b.seq, c.seq]).toEqual([...[a.seq, b.seq, c.seq]].sort((x, y) => x - y));
    expect(j.peek(10).map((e) => e.eventId)).toEqual([a.eventId, b.eventId, c.eventId]);
    expect(j.peek(10)[0]?.event).toMatchObject({
      eventId: a.eventId,
      seq: a.seq,
      type: 'store.order',
      monotonicMs: 1001,
    });
    expect(j.ack([b.eventId])).toBe(1);
    expect(j.ack([b.eventId])).toBe(0);
    expect(j.peek(10).map((e) => e.seq)).toEqual([a.seq, c.seq]);
    expect(j.peek(1).map((e) => e.seq)).toEqual([a.seq]);
    j.deadLetter(a.eventId, 'VALIDATION_FAILED', 'bad');
    expect(j.pendingCount()).toBe(1);
    expect(j.deadLetterCount()).toBe(1);
    j.close();
  });

  it('never reuses a seq, even after everything was acked and the file reopened', () => {
    const path = tempDb();
    const j = new Journal(path);
    const a = j.append(order(1), stamp());
    j.ack([a.eventId]);
    j.close();
    const j2 = new Journal(path);
    const b = j2.append(order(2), stamp());
    expect(b.seq).toBeGreaterThan(a.seq);
    j2.close();
  });

  it('coalesces unsent heartbeats but keeps in-flight ones', () => {
    const j = new Journal(':memory:');
    const hb = {
      type: 'heartbeat',
      status: 'locked',
      sessionId: null,
      outboxBacklog: 0,
      rssBytes: 1,
      agentVersion: 't',
    } as const;
    const h1 = j.append(hb, stamp());
    j.append(order(1), stamp());
    j.append(hb, stamp(), { coalesce: true, keepSeqs: [h1.seq] });
    const h3 = j.append(hb, stamp(), { coalesce: true, keepSeqs: [h1.seq] });
    expect(
      j
        .peek(10)
        .filter((e) => e.type === 'heartbeat')
        .map((e) => e.seq),
    ).toEqual([h1.seq, h3.seq]);
    expect(j.pendingCount()).toBe(3);
  });

  it('rolls back a failed transaction completely', () => {
    const j = new Journal(':memory:');
    expect(() =>
      j.transaction(() => {
        j.append(order(1), stamp());
        j.saveSessionState({ x: 1 });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(j.pendingCount()).toBe(0);
    expect(j.loadSessionState()).toBeUndefined();
  });

  it('records session ticks without rewriting the state; a new state clears the tick', () => {
    const j = new Journal(':memory:');
    j.saveSessionTick(5); // no session saved: nothing to update
    expect(j.loadSessionState()).toBeUndefined();
    j.saveSessionState({ lastSeenMs: 1 });
    expect(j.loadSessionState()).toEqual({ state: { lastSeenMs: 1 }, tickMs: null });
    j.saveSessionTick(2);
    j.saveSessionTick(3);
    expect(j.loadSessionState()).toEqual({ state: { lastSeenMs: 1 }, tickMs: 3 });
    j.saveSessionState({ lastSeenMs: 4 });
    expect(j.loadSessionState()).toEqual({ state: { lastSeenMs: 4 }, tickMs: null });
    j.clearSessionState();
    expect(j.loadSessionState()).toBeUndefined();
  });

  it('opens a journal written before session ticks existed (adds the column, keeps the session)', () => {
    const path = tempDb();
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE session_state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);' +
        `INSERT INTO session_state (id, body) VALUES (1, '{"lastSeenMs":7}');`,
    );
    old.close();
    const j = new Journal(path);
    expect(j.loadSessionState()).toEqual({ state: { lastSeenMs: 7 }, tickMs: null });
    j.saveSessionTick(8);
    expect(j.loadSessionState()?.tickMs).toBe(8);
    j.close();
  });

  it('survives SIGKILL of a writer process: every committed event is there, in order, with the last state', async () => {
    const path = tempDb();
    const journalModule = fileURLToPath(new URL('./journal.ts', import.meta.url));
    const script = `
      import { Journal } from ${JSON.stringify(journalModule)};
      const j = new Journal(${JSON.stringify(path)});
      let i = 0;
      const s = { bootId: '6f1c7a52-4d3e-4a8e-9a55-2f3d4c5b6a71', monotonicMs: 0, wallMs: 0, serverMs: 0, anchorSource: 'server' };
      setInterval(() => {
        for (let k = 0; k < 20; k++) {
          i++;
          j.transaction(() => {
            j.append({ type: 'agent.notice', level: 'info', code: 'n', message: String(i) }, s);
            j.saveSessionState({ i });
          });
        }
        if (i === 200) process.stdout.write('ready\\n');
      }, 1);
    `;
    const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const j = new Journal(path);
    const events = j.peek(1_000_000);
    expect(events.length).toBeGreaterThanOrEqual(200);
    const messages = events.map((e) => Number((e.event as { message: string }).message));
    expect(messages).toEqual(messages.map((_, k) => k + 1));
    expect(j.loadSessionState<{ i: number }>()?.state.i).toBe(events.length);
    j.close();
  });
});
