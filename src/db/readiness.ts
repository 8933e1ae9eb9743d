import type pg from "pg";
import { withTimeout } from "../async/deadline.ts";
import type { ReadinessCheck } from "../http/health.ts";
import { pendingMigrations } from "./migrate.ts";
import type { Migration } from "./migrations.ts";

const PING_TIMEOUT_MS = 2_000;

/** Ready when the database answers and every committed migration is applied. */
export function databaseReadiness(pool: Pick<pg.Pool, "query">, migrations: Migration[]): ReadinessCheck {
  // Applied migrations stay applied: once all are seen, only the ping is repeated.
  let migrationsApplied = false;
  return async () => {
    try {
      await withTimeout(pool.query("SELECT 1"), PING_TIMEOUT_MS, () => new Error(`no answer within ${PING_TIMEOUT_MS} ms`));
    } catch (error) {
      const reason = `database unreachable: ${(error as Error).message}`;
      return { ready: false, reason, checks: { database: reason, migrations: "unknown" } };
    }
    if (!migrationsApplied) {
      const pending = await pendingMigrations(pool, migrations).catch((error: Error) => [error.message]);
      if (pending.length > 0) {
        const reason = `migrations not applied: ${pending.join(", ")}`;
        return { ready: false, reason, checks: { database: "ok", migrations: reason } };
      }
      migrationsApplied = true;
    }
    return { ready: true, checks: { database: "ok", migrations: "ok" } };
  };
}
