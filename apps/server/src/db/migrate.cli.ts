import { loadConfig } from '../config/config.js';
import { migratePostgres, openDatabase } from './database.js';

/** `npm run db:migrate`: applies pending migrations (PostgreSQL under an advisory lock, or PGlite) and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.DATABASE_URL) {
    await migratePostgres(config.DATABASE_URL);
    console.log('✓ PostgreSQL migrated');
    return;
  }
  const database = await openDatabase({ dataDir: config.DATA_DIR });
  await database.close();
  console.log(`✓ embedded database in ${config.DATA_DIR} migrated`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
