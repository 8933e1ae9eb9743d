// The database's line of `subtasks doctor` and the start-up summary.
import type pg from "pg";
import { failed, passed, type Check } from "../operate/checklist.ts";
import { pendingMigrations } from "./migrate.ts";
import { readMigrations } from "./migrations.ts";

export function databaseCheck(pool: Pick<pg.Pool, "query">, where: string): Check {
  return {
    name: "Database: migrations",
    async run() {
      try {
        await pool.query("SELECT 1");
      } catch (error) {
        return failed(`${where} does not answer: ${(error as Error).message}`, "check DATABASE_URL and that the server runs");
      }
      const pending = await pendingMigrations(pool, await readMigrations());
      if (pending.length > 0) return failed(`${where}: migrations not applied: ${pending.join(", ")}`, "start the bot once: it applies them at start");
      return passed(`${where} answers, every migration applied`);
    },
  };
}
