// Timestamps the bot writes in SQL (now(), in the hot statements of runs) and those Prisma writes
// from the process's clock must agree, whatever time zone the database server is set to: the
// columns are `timestamp(3)` without a zone, which Prisma reads as UTC.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../../src/db/prisma.ts";
import { createScratchDatabase, type ScratchDatabase } from "../../../src/db/scratch-database.ts";
import { queryRows, sql, timestamp } from "../../../src/db/plain-sql.ts";
import { RunStore } from "../../../src/runs/store.ts";

let scratch: ScratchDatabase | undefined;
let db: Database | undefined;

afterEach(async () => {
  await db?.close();
  await scratch?.drop();
  db = scratch = undefined;
});

describe("on a database server whose time zone is not UTC", () => {
  it("a run finished by a SQL statement reads back finished now, not hours off", async () => {
    scratch = await createScratchDatabase(inject("serverUrl"), inject("runPrefix"), inject("templateDatabase"));
    const admin = new pg.Client({ connectionString: inject("serverUrl") });
    await admin.connect();
    // Auckland is 12 or 13 hours ahead of UTC: a timestamp written in its local time is far off.
    await admin.query(`ALTER DATABASE "${scratch.name}" SET timezone TO 'Pacific/Auckland'`);
    await admin.end();
    db = openDatabase(scratch.url, { max: 2 });
    const store = new RunStore(db.prisma, db.pool);
    const run = await db.prisma.run.create({ data: { type: "GENERATE_SUBTASKS", trigger: "CLI", requestedBy: "tester", status: "RUNNING", startedAt: new Date() } });

    // A run with no open story: the statement marks it finished, with now() as completedAt.
    expect(await store.completeRunIfDone(run.id)).toBe(true);

    const finished = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(Math.abs(finished.completedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(finished.durationMs).toBeGreaterThanOrEqual(0);
    expect(finished.durationMs).toBeLessThan(60_000);
  });
});

describe("in a bot process whose time zone is not UTC", () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("a statement on the pool writes and reads timestamp(3) as UTC, as Prisma does", async () => {
    scratch = await createScratchDatabase(inject("serverUrl"), inject("runPrefix"), inject("templateDatabase"));
    db = openDatabase(scratch.url, { max: 2 });
    process.env.TZ = "America/Los_Angeles";
    const at = new Date("2026-11-27T01:02:03.456Z");

    const [row] = await queryRows<{ at: Date; text: string }>(db.pool, sql`SELECT ${timestamp(at)} AS at, ${timestamp(at)}::text AS text`);

    expect(row!.text).toBe("2026-11-27 01:02:03.456");
    expect(row!.at.toISOString()).toBe("2026-11-27T01:02:03.456Z");
  });
});
