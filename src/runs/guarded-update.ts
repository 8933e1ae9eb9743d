// The WHERE of every guarded status change, for a story (RunStory) and an epic of a stories run
// (RunEpic) alike: only from the expected states, and only while the given job holds the row or
// it stands in the given review state. A duplicate job or a second process matches nothing.
// Most moves go through Prisma (guardedWhere); a story step's hottest ones are plain SQL on the
// pool (db/plain-sql.ts, guardedSql). Both are built here from the one Guard, so the two cannot
// come to mean different things.
import { Prisma } from "../generated/prisma/client.ts";
import { sql } from "../db/plain-sql.ts";

export interface Guard<S extends string> {
  readonly id: string;
  readonly from: readonly S[];
  /** Only while this job holds the row (null: before any job was recorded). */
  readonly jobId?: string | null;
  /** Only in this review state (null: not in review). */
  readonly reviewState?: "AWAITING" | "APPROVED" | "DISCARDED" | null;
}

export function guardedWhere<S extends string>(guard: Guard<S>) {
  return {
    id: guard.id,
    status: { in: [...guard.from] },
    ...(guard.jobId === undefined ? {} : { jobId: guard.jobId }),
    ...(guard.reviewState === undefined ? {} : { reviewState: guard.reviewState }),
  };
}

/** The same guard as a plain-SQL condition on the row's own columns, for an UPDATE's WHERE. */
export function guardedSql<S extends string>(guard: Guard<S>): Prisma.Sql {
  const conditions = [sql`id = ${guard.id}`, sql`status IN (${Prisma.join(guard.from)})`];
  if (guard.jobId !== undefined) conditions.push(guard.jobId === null ? sql`"jobId" IS NULL` : sql`"jobId" = ${guard.jobId}`);
  if (guard.reviewState !== undefined) {
    conditions.push(guard.reviewState === null ? sql`"reviewState" IS NULL` : sql`"reviewState" = ${guard.reviewState}`);
  }
  return Prisma.join(conditions, " AND ");
}
