// A resolved run's stories, as the resolve step records them in one transaction: the Epic and
// Story mirrors (with each story's code within its epic), the run's RunEpic and RunStory rows,
// and the run moved QUEUED → RUNNING.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { firstStoryJobId } from "../../../src/runs/queue.ts";
import { RunStore, type ResolvedRef } from "../../../src/runs/store.ts";
import type { TrackerItemSummary } from "../../../src/trackers/types.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";

let db: TestDatabase;
let store: RunStore;

beforeEach(async () => {
  db = await migratedTestDatabase();
  store = new RunStore(db.prisma, db.pool);
});

afterEach(async () => {
  await db.destroy();
});

const item = (key: string, title = `Story ${key}`): TrackerItemSummary => ({ id: `id-${key}`, key, title, url: `https://linear.app/acme/issue/${key}` });

function epic(key: string, storyKeys: string[], title = `Epic ${key}`): ResolvedRef {
  return {
    ref: { tracker: "linear", key, kind: "issue", input: key },
    expansion: { epic: item(key, title), stories: storyKeys.map((storyKey) => item(storyKey)), capped: false },
  };
}

function story(key: string, title?: string): ResolvedRef {
  return { ref: { tracker: "linear", key, kind: "issue", input: key }, expansion: { epic: null, stories: [item(key, title)], capped: false } };
}

async function queuedRun(): Promise<string> {
  return (await db.prisma.run.create({ data: { type: "GENERATE_SUBTASKS", trigger: "CLI", requestedBy: "tester" } })).id;
}

async function codes(epicKey: string): Promise<[string | null, string][]> {
  const found = await db.prisma.epic.findFirstOrThrow({ where: { key: epicKey }, include: { stories: { orderBy: { key: "asc" } } } });
  return found.stories.map((s) => [s.code, s.key]);
}

describe("recording a resolved run's stories", () => {
  it("mirrors the epic and its stories, codes the stories S1, S2…, and starts the run with each story's first job", async () => {
    const runId = await queuedRun();

    const jobs = await store.recordRunStories(runId, [epic("ENG-10", ["ENG-11", "ENG-12", "ENG-13"])], ["ENG-99 was not found"], ["keep it small"]);

    expect(await codes("ENG-10")).toEqual([["S1", "ENG-11"], ["S2", "ENG-12"], ["S3", "ENG-13"]]);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { runStories: { include: { story: true } }, runEpics: true } });
    expect(run).toMatchObject({ status: "RUNNING", storiesTotal: 3, errorMsg: "ENG-99 was not found" });
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.runEpics).toMatchObject([{ status: "RUNNING", storiesFound: 3 }]);
    expect(run.runStories.map((s) => [s.story.key, s.status, s.instructions])).toEqual(
      expect.arrayContaining([["ENG-11", "PENDING", ["keep it small"]], ["ENG-12", "PENDING", ["keep it small"]], ["ENG-13", "PENDING", ["keep it small"]]]),
    );
    expect(jobs).toHaveLength(3);
    expect(new Set(jobs!.map((job) => job.trackerId))).toEqual(new Set(["id-ENG-11", "id-ENG-12", "id-ENG-13"]));
    for (const job of jobs!) {
      const row = run.runStories.find((s) => s.id === job.runStoryId)!;
      expect(job).toEqual({ runStoryId: row.id, jobId: firstStoryJobId(runId, row.storyId), tracker: "LINEAR", trackerId: row.story.trackerId });
      expect(row.jobId).toBe(job.jobId);
    }
  });

  it("on a later run keeps the stories' rows and codes, takes the tracker's new titles, and codes stories new or moved in after the epic's highest", async () => {
    await store.recordRunStories(await queuedRun(), [epic("ENG-10", ["ENG-11", "ENG-12"]), epic("ENG-20", ["ENG-21"])], [], []);
    const before = await db.prisma.story.findMany({ orderBy: { key: "asc" } });

    const later = epic("ENG-10", ["ENG-11", "ENG-12", "ENG-21", "ENG-14"], "Epic renamed");
    const renamed = { ...later, expansion: { ...later.expansion, stories: later.expansion.stories.map((s) => (s.key === "ENG-12" ? { ...s, title: "Renamed story" } : s)) } };
    const runId = await queuedRun();
    const jobs = await store.recordRunStories(runId, [renamed], [], []);

    expect(jobs).toHaveLength(4);
    // New stories are coded first, then those moved in.
    expect(await codes("ENG-10")).toEqual([["S1", "ENG-11"], ["S2", "ENG-12"], ["S3", "ENG-14"], ["S4", "ENG-21"]]);
    expect(await codes("ENG-20")).toEqual([]);
    const after = await db.prisma.story.findMany({ orderBy: { key: "asc" } });
    expect(after.filter((s) => s.key !== "ENG-14").map((s) => s.id)).toEqual(before.map((s) => s.id));
    expect(after.find((s) => s.key === "ENG-12")!.title).toBe("Renamed story");
    expect((await db.prisma.epic.findFirstOrThrow({ where: { key: "ENG-10" } })).title).toBe("Epic renamed");
    expect(await db.prisma.runStory.count({ where: { runId } })).toBe(4);
  });

  it("records a story named both on its own and through its epic once", async () => {
    const runId = await queuedRun();

    const jobs = await store.recordRunStories(runId, [epic("ENG-10", ["ENG-11", "ENG-12"]), story("ENG-11")], [], []);

    expect(jobs).toHaveLength(2);
    expect(await db.prisma.runStory.count({ where: { runId } })).toBe(2);
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ storiesTotal: 2 });
    expect(await codes("ENG-10")).toEqual([["S1", "ENG-11"], ["S2", "ENG-12"]]);
  });

  it("a story without an epic has no code, and a run resolved already is left as it was", async () => {
    const runId = await queuedRun();
    expect(await store.recordRunStories(runId, [story("ENG-1")], [], [])).toHaveLength(1);

    expect(await store.recordRunStories(runId, [story("ENG-1"), story("ENG-2")], [], [])).toBeNull();

    expect(await db.prisma.story.findMany({ select: { key: true, code: true, epicId: true } })).toEqual([{ key: "ENG-1", code: null, epicId: null }]);
    expect(await db.prisma.runStory.count({ where: { runId } })).toBe(1);
  });
});
