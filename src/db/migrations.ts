import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The committed migrations folder, in Prisma's layout: <timestamp>_<name>/migration.sql. */
export const migrationsDir = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export interface Migration {
  readonly name: string;
  readonly sql: string;
  /** Same checksum Prisma stores in _prisma_migrations: sha256 of the file, hex. */
  readonly checksum: string;
}

export async function readMigrations(dir: string = migrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}
