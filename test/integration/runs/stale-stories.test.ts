// The stories read again together with one whose snapshot went stale: the run's other waiting
// stories of the same tracker whose snapshots are missing or stale, in the run's order.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunStore } from "../../../src/runs/store.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";

let db: TestDatabase;

beforeEach(async () => {
  db = await migratedTestDatabase();
});

afterEach(async () => {
  await db.destroy();
});

describe("the run's stale waiting stories", () => {
  it("are the PENDING ones of the tracker with a missing or stale snapshot, but the asking story, at most `limit`", async () => {
    const now = Date.now();
    const run = await db.prisma.run.create({ data: { type: "GENERATE_SUBTASKS", trigger: "CLI", requestedBy: "tester" } });
    const add = async (key: string, tracker: "LINEAR" | "JIRA", snapshotAgeMs: number | null, status: "PENDING" | "GENERATING" | "COMPLETED" = "PENDING") => {
      const story = await db.prisma.story.create({
        data: { tracker, trackerId: `id-${key}`, key, title: `Story ${key}`, url: `https://tracker.test/${key}`, ...(snapshotAgeMs === null ? {} : { snapshot: {}, snapshotAt: new Date(now - snapshotAgeMs) }) },
      });
      await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id, status } });
      return story.id;
    };
    const asking = await add("ENG-1", "LINEAR", 10 * 60_000, "GENERATING");
    await add("ENG-2", "LINEAR", 10 * 60_000);
    await add("ENG-3", "LINEAR", null);
    await add("ENG-4", "LINEAR", 30_000); // fresh
    await add("ENG-5", "LINEAR", 10 * 60_000, "COMPLETED");
    await add("PROJ-6", "JIRA", 10 * 60_000);
    await add("ENG-7", "LINEAR", 10 * 60_000);
    const store = new RunStore(db.prisma, db.pool);

    const stale = await store.staleWaitingStories(run.id, "LINEAR", new Date(now - 3 * 60_000), 10, asking);
    expect(stale).toEqual([
      { id: "id-ENG-2", key: "ENG-2", title: "Story ENG-2", url: "https://tracker.test/ENG-2" },
      { id: "id-ENG-3", key: "ENG-3", title: "Story ENG-3", url: "https://tracker.test/ENG-3" },
      { id: "id-ENG-7", key: "ENG-7", title: "Story ENG-7", url: "https://tracker.test/ENG-7" },
    ]);
    expect(await store.staleWaitingStories(run.id, "LINEAR", new Date(now - 3 * 60_000), 2, asking)).toHaveLength(2);
  });
});
