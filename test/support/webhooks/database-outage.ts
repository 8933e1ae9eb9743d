// A database outage as the app sees one: the server refuses new connections to the app's
// database and ends the ones it has, so every pooled client and every new connect fails
// (the app's own pool is left alone). Lifting it lets connections in again.
import pg from "pg";
import { inject } from "vitest";
import type { TestDatabase } from "../database.ts";

export interface Outage {
  /** Lets connections in again. */
  end(): Promise<void>;
}

export async function refuseConnections(db: TestDatabase): Promise<Outage> {
  const name = decodeURIComponent(new URL(db.url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: inject("serverUrl") });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
  return {
    async end() {
      try {
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      } finally {
        await admin.end();
      }
    },
  };
}
