/**
 * `npm run bench:ledger`: ledger operations per second through our real code path (LedgerService →
 * IdempotencyService → LedgerRepository → drizzle) against the SAME SQL statements issued through
 * bare `pg` (the ceiling): same statements (captured from drizzle's logger at run time), same
 * transaction boundaries, same pool size, same number of concurrent workers, same accounts. Both
 * run them as named prepared statements (ours does on its one-statement hot path).
 *
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 * database is created, migrated and dropped. PGlite runs once afterwards for information.
 * Knobs: BENCH_SECONDS (per side, default 10), BENCH_WORKERS (16), BENCH_ACCOUNTS (200),
 * BENCH_POOL (10, the server's default DATABASE_POOL_SIZE), BENCH_PGLITE=0 to skip PGlite.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Logger } from 'drizzle-orm/logger';
import pg from 'pg';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { migratePostgres, migrationsFolder, type Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import { EventBus } from '../events/event-bus.js';
import { IdempotencyService, canonical } from '../idempotency/idempotency.service.js';
import { LedgerRepository } from './ledger.repository.js';
import { LanAccess } from '../lan-centers/lan-access.service.js';
import { LanCentersRepository } from '../lan-centers/lan-centers.repository.js';
import { LedgerService } from './ledger.service.js';
import { verifyLedger } from './ledger-verify.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const POOL = Number(process.env.BENCH_POOL ?? 10);
const ROUNDS = 2; // ours and bare alternate (SECONDS / ROUNDS each time) so table growth hits both alike
const GOAL_OPS = 1500;
const GOAL_RATIO = 0.6;
const START_BALANCE = 1_000_000_000;

type Kind = 'recharge' | 'charge';
interface Op {
  kind: Kind;
  customer: number;
  amount: number;
  key: string;
}

interface Statement {
  text: string;
  params: unknown[];
  inTx: boolean;
}

/** The two ways a statement reaches the database: on the pool, or on a transaction's client. */
interface Bare {
  query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  transaction<T>(work: (query: (text: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>): Promise<T>;
}

interface Target {
  name: string;
  db: Db;
  bare: Bare;
  /** implicitTx: the driver opens transactions itself (PGlite), so every captured statement ran in one */
  capture: { on: boolean; statements: Statement[]; depth: number; implicitTx: boolean };
  close(): Promise<void>;
}

interface Fixture {
  organizationId: string;
  lanCenterId: string;
  actor: Actor;
  customers: string[];
  accountOf: Map<string, string>;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function captureLogger(capture: Target['capture']): Logger {
  return {
    logQuery(query, params) {
      if (!capture.on) return;
      const q = query.trim().toLowerCase();
      if (q === 'begin') capture.depth++;
      capture.statements.push({ text: query, params: [...params], inTx: capture.implicitTx || capture.depth > 0 });
      if (q === 'commit' || q === 'rollback') capture.depth--;
    },
  };
}

/** Bare pg runs every statement as a named prepared statement, as our code does on its hot path. */
const preparedOf = (text: string, values: unknown[]) => ({ name: `bare_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`, text, values });

async function postgresTarget(adminUrl: string): Promise<Target & { drop(): Promise<void> }> {
  const name = `econtrol_bench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migratePostgres(url.toString());
  const capture = { on: false, statements: [] as Statement[], depth: 0, implicitTx: false };
  // two pools of the same size: one behind drizzle (ours), one for bare pg (the ceiling)
  const oursPool = new pg.Pool({ connectionString: url.toString(), max: POOL });
  const barePool = new pg.Pool({ connectionString: url.toString(), max: POOL });
  for (const pool of [oursPool, barePool]) pool.on('error', () => undefined); // idle clients cut by the final drop
  const db = drizzlePg(oursPool, { schema, logger: captureLogger(capture) }) as unknown as Db;
  const bare: Bare = {
    query: (text, params) => barePool.query(preparedOf(text, params)),
    async transaction(work) {
      const client = await barePool.connect();
      try {
        await client.query('begin');
        try {
          const result = await work((text, params) => client.query(preparedOf(text, params)));
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback');
          throw error;
        }
      } finally {
        client.release();
      }
    },
  };
  return {
    name: 'PostgreSQL',
    db,
    bare,
    capture,
    async close() {
      await oursPool.end();
      await barePool.end();
    },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function pgliteTarget(): Promise<Target> {
  const client = await PGlite.create();
  const capture = { on: false, statements: [] as Statement[], depth: 0, implicitTx: true };
  const db = drizzlePglite(client, { schema, logger: captureLogger(capture) }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  const bare: Bare = {
    query: (text, params) => client.query(text, params),
    transaction: (work) => client.transaction((tx) => work((text, params) => tx.query(text, params))),
  };
  return { name: 'PGlite', db, bare, capture, close: () => client.close() };
}

async function seed(db: Db): Promise<Fixture> {
  const tag = randomUUID().slice(0, 8);
  const [org] = await db.insert(schema.organizations).values({ name: `Bench ${tag}`, slug: `bench-${tag}` }).returning();
  const [lan] = await db.insert(schema.lanCenters).values({ organizationId: org!.id, name: 'Bench', slug: 'bench' }).returning();
  const [cashier] = await db.insert(schema.users).values({ organizationId: org!.id, name: 'Cajero', role: 'CASHIER' }).returning();
  await db.insert(schema.cashierShifts).values({ organizationId: org!.id, lanCenterId: lan!.id, cashierId: cashier!.id, openingFloatMinor: 0 });
  const customers = await db
    .insert(schema.users)
    .values(Array.from({ length: ACCOUNTS + 1 }, (_, i) => ({ organizationId: org!.id, name: `Cliente ${i}`, role: 'CLIENT' as const })))
    .returning({ id: schema.users.id });
  const accountRows = await db
    .insert(schema.accounts)
    .values(customers.map((c) => ({ organizationId: org!.id, userId: c.id, balanceMinor: START_BALANCE })))
    .returning();
  // the opening balance is a ledger row too, so ledger:verify holds from the start
  await db.insert(schema.transactions).values(
    accountRows.map((a) => ({
      organizationId: org!.id,
      accountId: a.id,
      userId: a.userId,
      type: 'ADJUSTMENT' as const,
      paymentMethod: 'BALANCE' as const,
      amountMinor: START_BALANCE,
      balanceBeforeMinor: 0,
      balanceAfterMinor: START_BALANCE,
      reason: 'bench opening balance',
    })),
  );
  return {
    organizationId: org!.id,
    lanCenterId: lan!.id,
    actor: { userId: cashier!.id, role: 'CASHIER', organizationId: org!.id, lanCenterIds: [lan!.id] },
    customers: customers.map((c) => c.id),
    accountOf: new Map(accountRows.map((a) => [a.userId, a.id])),
  };
}

const inputOf = (fx: Fixture, op: Op) =>
  op.kind === 'recharge'
    ? { lanCenterId: fx.lanCenterId, amountMinor: op.amount, paymentMethod: 'CASH' as const }
    : { lanCenterId: fx.lanCenterId, amountMinor: op.amount, type: 'STORE_PURCHASE' as const, reason: 'Venta bench' };

function runOurs(ledger: LedgerService, fx: Fixture, op: Op) {
  const customerId = fx.customers[op.customer]!;
  return op.kind === 'recharge'
    ? ledger.recharge(fx.actor, customerId, op.key, inputOf(fx, op) as never)
    : ledger.charge(fx.actor, customerId, op.key, inputOf(fx, op) as never);
}

/**
 * A captured operation turned into a template: each parameter is either a constant or a role
 * (customer, account, key, scope, hash, amount, balances, response body) filled in per operation.
 */
type Role = 'customer' | 'account' | 'key' | 'scope' | 'hash' | 'amount' | 'negAmount' | 'before' | 'after' | 'body';
interface Template {
  statements: { text: string; inTx: boolean; params: ({ role: Role } | { value: unknown })[] }[];
}

function templateOf(statements: Statement[], known: Map<unknown, Role>): Template {
  return {
    statements: statements.map((s) => ({
      text: s.text,
      inTx: s.inTx,
      params: s.params.map((p) => {
        if (typeof p === 'string' && p.startsWith('{') && p.includes('"transaction"')) return { role: 'body' as const };
        const role = known.get(p);
        return role ? { role } : { value: p };
      }),
    })),
  };
}

/** The same statements on bare pg: the only work left is filling in parameters. */
async function runBare(bare: Bare, template: Template, fx: Fixture, op: Op): Promise<void> {
  const customerId = fx.customers[op.customer]!;
  const scope = `${op.kind}:${customerId}`;
  const delta = op.kind === 'recharge' ? op.amount : -op.amount;
  const values: Record<Role, unknown> = {
    customer: customerId,
    account: fx.accountOf.get(customerId),
    key: op.key,
    scope,
    hash: createHash('sha256').update(`${scope}\n${canonical(inputOf(fx, op))}`).digest('hex'),
    amount: op.amount,
    negAmount: -op.amount,
    before: 0,
    after: 0,
    body: null,
  };
  let lastRow: Record<string, unknown> | undefined;
  const fill = (params: Template['statements'][number]['params']) =>
    params.map((p) => ('value' in p ? p.value : p.role === 'body' ? JSON.stringify({ transaction: lastRow, balanceMinor: values.after, availableMinor: values.after }) : values[p.role]));
  const outside = template.statements.filter((s) => !s.inTx);
  const inside = template.statements.filter((s) => s.inTx && !/^(begin|commit|rollback)$/i.test(s.text.trim()));
  for (const s of outside) await bare.query(s.text, fill(s.params));
  if (!inside.length) return; // the one-statement path: no explicit transaction
  await bare.transaction(async (query) => {
    for (const s of inside) {
      const result = await query(s.text, fill(s.params));
      const row = result.rows[0];
      if (row && /^update "accounts"/i.test(s.text) && 'balance_minor' in row) {
        const after = Number(row.balance_minor);
        values.after = after;
        values.before = after - delta;
      }
      if (row && 'balance_after_minor' in row) lastRow = row;
    }
  });
}

interface Measured {
  ops: number;
  ms: number;
  latencies: number[];
  errors: number;
}

async function measure(ms: number, nextOp: () => Op, run: (op: Op) => Promise<unknown>): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (performance.now() < deadline) {
        const op = nextOp();
        const t0 = performance.now();
        try {
          await run(op);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          if (errors <= 3) console.error(`  error: ${(error as Error).message}`);
        }
      }
    }),
  );
  return { ops: latencies.length, ms: performance.now() - started, latencies, errors };
}

const merge = (parts: Measured[]): Measured => ({
  ops: parts.reduce((s, p) => s + p.ops, 0),
  ms: parts.reduce((s, p) => s + p.ms, 0),
  latencies: parts.flatMap((p) => p.latencies),
  errors: parts.reduce((s, p) => s + p.errors, 0),
});

function summary(m: Measured) {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  return { opsPerSec: (m.ops / m.ms) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99), ops: m.ops, errors: m.errors };
}

async function bench(target: Target, seconds: number): Promise<{ ours: ReturnType<typeof summary>; bare: ReturnType<typeof summary> }> {
  const fx = await seed(target.db);
  const ledger = new LedgerService(new LedgerRepository(target.db), new IdempotencyService(target.db), new AuditService(target.db), new EventBus(), new LanAccess(new LanCentersRepository(target.db)));
  let seq = 0;
  const rnd = () => Math.random();
  const nextOp = (): Op => ({
    kind: rnd() < 0.5 ? 'recharge' : 'charge',
    customer: 1 + Math.floor(rnd() * ACCOUNTS), // customer 0 is the capture template
    amount: 1 + Math.floor(rnd() * 5000),
    key: `bench-${process.pid}-${++seq}`,
  });

  // capture exactly what our code sends for one recharge and one charge
  const templates = new Map<Kind, Template>();
  for (const [kind, amount] of [['recharge', 4321], ['charge', 1234]] as const) {
    const op: Op = { kind, customer: 0, amount, key: `capture-${kind}-${randomUUID()}` };
    target.capture.statements = [];
    target.capture.on = true;
    const result = await runOurs(ledger, fx, op);
    target.capture.on = false;
    const customerId = fx.customers[0]!;
    const known = new Map<unknown, Role>([
      [customerId, 'customer'],
      [fx.accountOf.get(customerId), 'account'],
      [op.key, 'key'],
      [`${kind}:${customerId}`, 'scope'],
      [createHash('sha256').update(`${kind}:${customerId}\n${canonical(inputOf(fx, op))}`).digest('hex'), 'hash'],
      [amount, 'amount'],
      [-amount, 'negAmount'],
      [result.body.transaction.balanceBeforeMinor, 'before'],
      [result.body.transaction.balanceAfterMinor, 'after'],
    ]);
    templates.set(kind, templateOf(target.capture.statements, known));
    if (process.env.BENCH_SHOW_SQL) {
      console.log(`  ${kind}: ${target.capture.statements.length} statements`);
      for (const s of target.capture.statements) console.log(`    ${s.inTx ? 'tx ' : '   '}${s.text}  ${JSON.stringify(s.params)}`);
    }
  }
  const statementCount = (k: Kind) => templates.get(k)!.statements.length;
  console.log(`${target.name}: ${WORKERS} workers, pool ${POOL}, ${ACCOUNTS} accounts, recharge = ${statementCount('recharge')} statements, charge = ${statementCount('charge')} (incl. begin/commit)`);
  const bareRun = (op: Op) => runBare(target.bare, templates.get(op.kind)!, fx, op);
  const oursRun = (op: Op) => runOurs(ledger, fx, op);

  // warm-up both paths (JIT, pool connections, plan caches)
  await measure(1000, nextOp, oursRun);
  await measure(1000, nextOp, bareRun);
  const ours: Measured[] = [];
  const bare: Measured[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // alternate which side goes first, so neither always meets the bigger table or a busier machine
    const slice = (seconds * 1000) / ROUNDS;
    if (round % 2 === 0) {
      ours.push(await measure(slice, nextOp, oursRun));
      bare.push(await measure(slice, nextOp, bareRun));
    } else {
      bare.push(await measure(slice, nextOp, bareRun));
      ours.push(await measure(slice, nextOp, oursRun));
    }
  }
  const report = await verifyLedger(target.db, fx.organizationId);
  if (report.mismatches.length) throw new Error(`ledger:verify found ${report.mismatches.length} mismatches after the bench`);
  console.log(`  ledger:verify after the run: ${report.accounts} accounts, ${report.transactions} transactions, 0 mismatches`);
  return { ours: summary(merge(ours)), bare: summary(merge(bare)) };
}

function print(name: string, r: { ours: ReturnType<typeof summary>; bare: ReturnType<typeof summary> }, goals: boolean): boolean {
  const fmt = (s: ReturnType<typeof summary>) =>
    `${s.opsPerSec.toFixed(0).padStart(6)} ops/s   p50 ${s.p50.toFixed(2).padStart(6)} ms   p99 ${s.p99.toFixed(2).padStart(6)} ms   (${s.ops} ops, ${s.errors} errors)`;
  const ratio = r.ours.opsPerSec / r.bare.opsPerSec;
  console.log(`  ours (LedgerService + idempotency + drizzle): ${fmt(r.ours)}`);
  console.log(`  bare pg, same statements:                     ${fmt(r.bare)}`);
  console.log(`  ratio ours / bare: ${ratio.toFixed(2)}`);
  if (!goals) return true;
  const okOps = r.ours.opsPerSec >= GOAL_OPS;
  const okRatio = ratio >= GOAL_RATIO;
  const ok = okOps && okRatio && r.ours.errors === 0 && r.bare.errors === 0;
  console.log(`  ${okOps ? 'PASS' : 'FAIL'} ≥ ${GOAL_OPS} ops/s on ${name}; ${okRatio ? 'PASS' : 'FAIL'} ratio ≥ ${GOAL_RATIO} → ${ok ? 'PASS' : 'FAIL'}`);
  return ok;
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(`bench:ledger — ${SECONDS}s per side, 50% recharges / 50% charges, each with its own Idempotency-Key`);
  const target = await postgresTarget(adminUrl);
  let ok: boolean;
  try {
    const result = await bench(target, SECONDS);
    ok = print('PostgreSQL', result, true);
  } finally {
    await target.close();
    await target.drop();
  }
  if (process.env.BENCH_PGLITE !== '0') {
    const lite = await pgliteTarget();
    try {
      const result = await bench(lite, Math.max(2, SECONDS / 2));
      console.log('  (PGlite: one in-process connection, for information only)');
      print('PGlite', result, false);
    } finally {
      await lite.close();
    }
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
