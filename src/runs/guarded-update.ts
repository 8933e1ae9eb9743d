// The WHERE of every guarded status change, for a story (RunStory) and an epic of a stories run
// (RunEpic) alike: only from the expected states, and only while the given job holds the row or
// it stands in the given review state. A duplicate job or a second process matches nothing.

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
