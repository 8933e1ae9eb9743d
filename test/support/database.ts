import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/prisma.ts";
import { createScratchDatabase } from "../../src/db/scratch-database.ts";

export interface TestDatabase extends Database {
  /** Closes the connections and drops the database. */
  destroy(): Promise<void>;
}

/** A database of this test file's own: a copy of the run's migrated template. */
export async function migratedTestDatabase(): Promise<TestDatabase> {
  return testDatabase(inject("templateDatabase"));
}

/** A database with nothing in it, not even migrations. */
export async function emptyTestDatabase(): Promise<TestDatabase> {
  return testDatabase(undefined);
}

async function testDatabase(template: string | undefined): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(inject("serverUrl"), inject("runPrefix"), template);
  const db = openDatabase(scratch.url, { max: 5 });
  return {
    ...db,
    async destroy() {
      await db.close();
      await scratch.drop();
    },
  };
}
