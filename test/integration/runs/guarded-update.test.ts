// A guarded move matches a row only in its states, held by its job, in its review state, whether
// it goes through Prisma (guardedWhere) or is plain SQL on the pool (guardedSql): a story step's
// claim, move to SAVING and completion are the latter, every other move the former.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, sql } from "../../../src/db/plain-sql.ts";
import { Prisma } from "../../../src/generated/prisma/client.ts";
import { ReviewState, RunStoryStatus } from "../../../src/generated/prisma/enums.ts";
import { guardedSql, guardedWhere, type Guard } from "../../../src/runs/guarded-update.ts";
import type { RunStoryState } from "../../../src/runs/states.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";

const STATES = Object.values(RunStoryStatus);
const REVIEW_STATES = [null, ...Object.values(ReviewState)];
const JOBS = [null, "job-a", "job-b"];

interface Row {
  readonly id: string;
  readonly status: RunStoryState;
  readonly jobId: string | null;
  readonly reviewState: (typeof REVIEW_STATES)[number];
}

let db: TestDatabase;
/** A row of every status, holder and review state. */
const rows: Row[] = [];

beforeAll(async () => {
  db = await migratedTestDatabase();
  const run = await db.prisma.run.create({ data: { type: "GENERATE_SUBTASKS", trigger: "CLI", requestedBy: "test", options: {} } });
  for (const status of STATES) {
    for (const jobId of JOBS) {
      for (const reviewState of REVIEW_STATES) {
        const key = `ENG-${rows.length + 1}`;
        const story = await db.prisma.story.create({ data: { tracker: "LINEAR", trackerId: `id-${key}`, key, title: key } });
        const row = await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id, status, jobId, reviewState } });
        rows.push({ id: row.id, status, jobId, reviewState });
      }
    }
  }
});

afterAll(async () => {
  await db.destroy();
});

/** What a guard means, said once more in plain code: the rows it must match. */
function meant(guard: Omit<Guard<RunStoryState>, "id">, row: Row): boolean {
  return (
    guard.from.includes(row.status) &&
    (guard.jobId === undefined || guard.jobId === row.jobId) &&
    (guard.reviewState === undefined || guard.reviewState === row.reviewState)
  );
}

describe("a guarded move", () => {
  it("matches the same rows through Prisma and in plain SQL: those in its states, held by its job, in its review state", async () => {
    const guards = fc.record(
      {
        from: fc.subarray(STATES, { minLength: 1 }),
        jobId: fc.constantFrom(...JOBS),
        reviewState: fc.constantFrom(...REVIEW_STATES),
      },
      // A guard may leave the holder or the review state out: then either is fine.
      { requiredKeys: ["from"] },
    );
    await fc.assert(
      fc.asyncProperty(guards, async (guard) => {
        const throughPrisma = await db.prisma.runStory.findMany({ where: { OR: rows.map((row) => guardedWhere({ ...guard, id: row.id })) }, select: { id: true } });
        const inPlainSql = await queryRows<{ id: string }>(
          db.pool,
          sql`SELECT id FROM "RunStory" WHERE ${Prisma.join(rows.map((row) => sql`(${guardedSql({ ...guard, id: row.id })})`), " OR ")}`,
        );
        const expected = rows.filter((row) => meant(guard, row)).map((row) => row.id).sort();
        expect(throughPrisma.map((row) => row.id).sort()).toEqual(expected);
        expect(inPlainSql.map((row) => row.id).sort()).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
