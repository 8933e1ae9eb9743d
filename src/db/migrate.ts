import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Logger } from "../log/logger.ts";
import { readMigrations, type Migration } from "./migrations.ts";

// Any constant works as long as every process of the bot uses the same one.
const MIGRATION_LOCK_KEY = 7_305_118_254_001;

// The table Prisma Migrate keeps, created the way Prisma creates it, so `prisma migrate
// deploy` and this migrator read the same history wherever Prisma's native engine exists.
const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

export interface MigrateResult {
  readonly applied: string[];
  readonly alreadyApplied: number;
}

/**
 * Applies pending migrations under a Postgres advisory lock, so several processes
 * starting at once apply each migration exactly once (the others wait, then find
 * nothing to do). Each migration runs in its own transaction.
 */
export async function migrate(databaseUrl: string, logger: Logger, migrations?: Migration[]): Promise<MigrateResult> {
  const all = migrations ?? (await readMigrations());
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_HISTORY);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = new Map(rows.filter((row) => row.finished_at).map((row) => [row.migration_name, row.checksum]));
    const failed = rows.find((row) => !row.finished_at);
    if (failed) {
      throw new MigrationError(
        `migration ${failed.migration_name} failed earlier and was not rolled back; fix the database, then mark it rolled back`,
      );
    }
    const applied: string[] = [];
    for (const migration of all) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          logger.warn({ migration: migration.name }, "an applied migration was edited after it was applied");
        }
        continue;
      }
      await applyOne(client, migration);
      applied.push(migration.name);
      logger.info({ migration: migration.name }, "migration applied");
    }
    return { applied, alreadyApplied: all.length - applied.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  try {
    await client.query("BEGIN");
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES ($1, $2, now(), $3, 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Names of the migrations on disk that the database has not applied (all of them before the first). */
export async function pendingMigrations(db: Pick<pg.Pool, "query">, migrations: Migration[]): Promise<string[]> {
  const exists = await db.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS table`);
  if (!exists.rows[0]?.table) return migrations.map((migration) => migration.name);
  const { rows } = await db.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return migrations.map((migration) => migration.name).filter((name) => !applied.has(name));
}
