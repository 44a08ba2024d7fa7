import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { verifyLedger } from './ledger-verify.js';

/** `npm run ledger:verify`: exits 1 on any mismatch. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    const report = await verifyLedger(database.db);
    console.log(`ledger:verify — ${report.accounts} accounts, ${report.transactions} transactions, ${report.sessions} settled sessions`);
    for (const m of report.mismatches) {
      console.log(m.kind === 'reference' ? `  ✗ reference ${m.id}: ${m.detail}` : `  ✗ ${m.kind} ${m.id}: expected ${m.expected}, found ${m.actual}${m.detail ? ` (${m.detail})` : ''}`);
    }
    console.log(report.mismatches.length === 0 ? '✓ no mismatches: 0 cents of drift' : `✗ ${report.mismatches.length} mismatches`);
    process.exitCode = report.mismatches.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
