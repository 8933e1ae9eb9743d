// How a story's step gets its story: from the snapshot the run's batch read kept, while it is
// fresh; else, when the tracker reads in batches, together with the run's other waiting stories
// whose snapshots have gone stale too (one request for as many as the tracker reads at once, kept as
// new snapshots), so a run paced for longer than a snapshot lives does not fall back to one read
// per story; else (a retry, a story the batch left out) alone.
import type { Logger } from "../log/logger.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import type { TrackerStory } from "../trackers/types.ts";
import type { RunStore, RunStoryRow } from "./store.ts";
import { freshSnapshot, SNAPSHOT_FRESH_MS } from "./story-snapshot.ts";
import { storyRefOf, trackerFor } from "./story-tracker.ts";

export interface StoryReaderDeps {
  readonly store: Pick<RunStore, "staleWaitingStories" | "saveStorySnapshots">;
  readonly trackers: Trackers;
  readonly logger: Logger;
  readonly now?: () => number;
}

export function createStoryReader(deps: StoryReaderDeps) {
  const now = deps.now ?? Date.now;
  /** Batch reads in flight in this process, per run and tracker: the steps that find their snapshot stale at once share one. */
  const inFlight = new Map<string, Promise<TrackerStory[]>>();

  async function readWithOthers(row: RunStoryRow): Promise<TrackerStory[]> {
    const tracker = trackerFor(deps.trackers, row.story.tracker);
    const perRead = tracker.storiesPerRead ?? 1;
    const others = await deps.store.staleWaitingStories(row.runId, row.story.tracker, new Date(now() - SNAPSHOT_FRESH_MS), perRead - 1, row.storyId);
    // Alone, a story gains nothing from a batch: its own read (on Linear) brings its team's context too.
    if (others.length === 0) return [];
    const items = [{ id: row.story.trackerId, key: row.story.key, title: row.story.title, url: row.story.url ?? "" }, ...others];
    const stories = await tracker.readStories!(items);
    await deps.store.saveStorySnapshots(row.story.tracker, stories);
    return stories;
  }

  return {
    /** The story, and whether it came from the row's own snapshot (no tracker read, no time passed). */
    async read(row: RunStoryRow): Promise<{ story: TrackerStory; fromSnapshot: boolean }> {
      const snapshot = freshSnapshot(row.story, row, now());
      if (snapshot) return { story: snapshot, fromSnapshot: true };
      const tracker = trackerFor(deps.trackers, row.story.tracker);
      // A retry reads its story alone and afresh: whatever failed may have changed it.
      if (row.retryCount === 0 && tracker.readStories) {
        const key = `${row.runId}\u0000${row.story.tracker}`;
        let batch = inFlight.get(key);
        if (!batch) {
          batch = readWithOthers(row).finally(() => inFlight.delete(key));
          inFlight.set(key, batch);
        }
        try {
          const found = (await batch).find((story) => story.id === row.story.trackerId);
          if (found) return { story: found, fromSnapshot: false };
        } catch (error) {
          deps.logger.warn({ err: error, runId: row.runId, story: row.story.key }, "stories not read again together; this story is read alone");
        }
      }
      return { story: await tracker.getStory(storyRefOf(row.story)), fromSnapshot: false };
    },
  };
}
