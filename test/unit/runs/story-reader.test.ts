// A story's step reads its story from the run's fresh snapshot; once snapshots have gone stale
// (a run paced by its providers for longer than a snapshot lives), the waiting stories are read
// again together, one request for up to 50, instead of one request each.
import { describe, expect, it } from "vitest";
import type { RunStoryRow } from "../../../src/runs/store.ts";
import { createStoryReader } from "../../../src/runs/story-reader.ts";
import { SNAPSHOT_FRESH_MS, toSnapshot } from "../../../src/runs/story-snapshot.ts";
import type { TrackerItemSummary, TrackerKind, TrackerStory } from "../../../src/trackers/types.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { silentLogger } from "../../support/logger.ts";

const NOW = Date.parse("2026-11-26T21:00:00Z");

function rowOf(tracker: FakeTracker, key: string, options: { snapshotAgeMs?: number; retryCount?: number } = {}): RunStoryRow {
  const story = tracker.stories.get(key)!;
  const snapshot = options.snapshotAgeMs === undefined ? null : toSnapshot({ id: story.id, key, title: story.title } as TrackerStory);
  return {
    runId: "run-1",
    storyId: `row-${key}`,
    retryCount: options.retryCount ?? 0,
    story: {
      tracker: "LINEAR",
      trackerId: story.id,
      key,
      title: story.title,
      url: `https://tracker.test/issue/${key}`,
      snapshot,
      snapshotAt: options.snapshotAgeMs === undefined ? null : new Date(NOW - options.snapshotAgeMs),
    },
  } as unknown as RunStoryRow;
}

/** The run's other waiting stories, all stale, and the snapshots saved. */
function storeOf(tracker: FakeTracker, waiting: string[]) {
  const saved: string[] = [];
  const asked: { except: string; limit: number }[] = [];
  return {
    saved,
    asked,
    async staleWaitingStories(_runId: string, _kind: TrackerKind, staleBefore: Date, limit: number, exceptStoryId: string): Promise<TrackerItemSummary[]> {
      expect(staleBefore.getTime()).toBe(NOW - SNAPSHOT_FRESH_MS);
      asked.push({ except: exceptStoryId, limit });
      return waiting
        .filter((key) => `row-${key}` !== exceptStoryId)
        .slice(0, limit)
        .map((key) => ({ id: tracker.stories.get(key)!.id, key, title: tracker.stories.get(key)!.title, url: "" }));
    },
    async saveStorySnapshots(_kind: TrackerKind, stories: readonly TrackerStory[]): Promise<void> {
      saved.push(...stories.map((story) => story.key));
    },
  };
}

function setup(keys: string[]) {
  const tracker = new FakeTracker();
  for (const key of keys) tracker.addStory(key);
  const store = storeOf(tracker, keys);
  const reader = createStoryReader({ store, trackers: { linear: tracker }, logger: silentLogger, now: () => NOW });
  return { tracker, store, reader };
}

describe("reading a story for its step", () => {
  it("uses a fresh snapshot without asking the tracker", async () => {
    const { tracker, reader } = setup(["ENG-1", "ENG-2"]);
    const { story, fromSnapshot } = await reader.read(rowOf(tracker, "ENG-1", { snapshotAgeMs: 60_000 }));
    expect(story.key).toBe("ENG-1");
    expect(fromSnapshot).toBe(true);
    expect(tracker.calls).toEqual([]);
  });

  it("reads stale stories again together: ten steps at once make one request and keep the snapshots", async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `ENG-${i + 1}`);
    const { tracker, store, reader } = setup(keys);
    const stories = await Promise.all(keys.map((key) => reader.read(rowOf(tracker, key, { snapshotAgeMs: SNAPSHOT_FRESH_MS + 1 }))));
    expect(stories.map(({ story }) => story.key)).toEqual(keys);
    expect(stories.every(({ fromSnapshot }) => !fromSnapshot)).toBe(true);
    expect(tracker.countCalls("readStories")).toBe(1);
    expect(tracker.countCalls("getStory")).toBe(0);
    expect(store.saved.sort()).toEqual([...keys].sort());
    expect(store.asked).toEqual([{ except: "row-ENG-1", limit: tracker.storiesPerRead - 1 }]);
  });

  it("reads a story alone when no other is waiting, on a retry, and when the batch leaves it out", async () => {
    const lone = setup(["ENG-1"]);
    await lone.reader.read(rowOf(lone.tracker, "ENG-1", { snapshotAgeMs: SNAPSHOT_FRESH_MS + 1 }));
    expect(lone.tracker.calls.map((call) => call.method)).toEqual(["getStory"]);

    const retried = setup(["ENG-1", "ENG-2"]);
    await retried.reader.read(rowOf(retried.tracker, "ENG-1", { retryCount: 1 }));
    expect(retried.tracker.calls.map((call) => call.method)).toEqual(["getStory"]);

    const leftOut = setup(["ENG-1", "ENG-2"]);
    leftOut.tracker.readStories = async () => [];
    expect((await leftOut.reader.read(rowOf(leftOut.tracker, "ENG-1"))).story.key).toBe("ENG-1");
    expect(leftOut.tracker.countCalls("getStory", "ENG-1")).toBe(1);
  });

  it("reads a story alone when the batch read fails", async () => {
    const { tracker, reader } = setup(["ENG-1", "ENG-2"]);
    tracker.readStories = async () => {
      throw new Error("Linear is down");
    };
    expect((await reader.read(rowOf(tracker, "ENG-1"))).story.key).toBe("ENG-1");
    expect(tracker.countCalls("getStory", "ENG-1")).toBe(1);
  });
});
