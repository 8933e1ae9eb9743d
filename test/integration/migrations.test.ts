import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations.ts";
import { diffDatabaseToSchema } from "../../src/db/schema-diff.ts";
import { silentLogger } from "../support/logger.ts";
import { emptyTestDatabase, type TestDatabase } from "../support/database.ts";

describe("migrations", () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  it("bring an empty database exactly to schema.prisma (empty diff)", async () => {
    db = await emptyTestDatabase();
    const before = await diffDatabaseToSchema(db.url);
    expect(before).toContain('CREATE TABLE "Subtask"');
    const result = await migrate(db.url, silentLogger);
    expect(result.applied).toEqual((await readMigrations()).map((m) => m.name));
    expect(await diffDatabaseToSchema(db.url)).toBe("");
  });

  it("record history the way Prisma Migrate does, with the same checksums", async () => {
    db = await emptyTestDatabase();
    await migrate(db.url, silentLogger);
    const { rows } = await db.pool.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const onDisk = await readMigrations();
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(onDisk.map((m) => [m.name, m.checksum]));
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
    expect(onDisk[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("apply each migration once when several processes start at the same time", async () => {
    db = await emptyTestDatabase();
    const url = db.url;
    const results = await Promise.all([1, 2, 3, 4].map(() => migrate(url, silentLogger)));
    const appliedByAll = results.flatMap((result) => result.applied);
    expect(appliedByAll).toEqual((await readMigrations()).map((m) => m.name));
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0].n).toBe(appliedByAll.length);
  });

  it("do nothing on a second start", async () => {
    db = await emptyTestDatabase();
    await migrate(db.url, silentLogger);
    const again = await migrate(db.url, silentLogger);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe((await readMigrations()).length);
  });

  it("stop at a broken migration, roll it back and leave the history without it", async () => {
    db = await emptyTestDatabase();
    const good = await readMigrations();
    const broken = { name: "29990101000000_broken", sql: 'CREATE TABLE "Half" (id int); SELECT * FROM nowhere;', checksum: "0".repeat(64) };
    await expect(migrate(db.url, silentLogger, [...good, broken])).rejects.toThrow(/29990101000000_broken failed/);
    const { rows } = await db.pool.query(`SELECT to_regclass('"Half"') AS half, count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]).toEqual({ half: null, n: good.length });
  });
});
