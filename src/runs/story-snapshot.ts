// A story as the tracker answered the run's batch read at resolve, kept on its Story row so the
// story's own step does not read it again (one tracker request less per story). It is used while
// it is a few minutes old, on the step's first attempt only: a retry, or a story that waited
// longer (a review, a long queue), reads the tracker again (story-reader.ts: with the run's other
// stale stories in one batch where it can), as does a snapshot of another shape.
import type { TrackerStory } from "../trackers/types.ts";

/** How long a snapshot stands in for reading the story again. */
export const SNAPSHOT_FRESH_MS = 3 * 60_000;
const VERSION = 1;

export interface StoredSnapshot {
  readonly v: number;
  readonly story: TrackerStory;
}

export function toSnapshot(story: TrackerStory): StoredSnapshot {
  return { v: VERSION, story };
}

export function freshSnapshot(
  row: { readonly snapshot: unknown; readonly snapshotAt: Date | null },
  attempt: { readonly retryCount: number },
  now: number = Date.now(),
): TrackerStory | null {
  if (attempt.retryCount > 0 || !row.snapshotAt || now - row.snapshotAt.getTime() > SNAPSHOT_FRESH_MS) return null;
  const stored = row.snapshot as Partial<StoredSnapshot> | null;
  return stored?.v === VERSION && stored.story ? stored.story : null;
}
