import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../../../src/errors/app-error.ts";
import { ErrorCode } from "../../../src/errors/codes.ts";
import { RunQueue } from "../../../src/runs/queue.ts";
import type { RunService } from "../../../src/runs/service.ts";
import type { RunSummary, StoryProgress } from "../../../src/runs/types.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startCore, stopStarted, type StartOptions } from "../../support/app.ts";
import { silentLogger } from "../../support/logger.ts";
import { linearRef, waitFor, waitForRun } from "../../support/runs.ts";

let db: TestDatabase;
let tracker: FakeTracker;
let generator: FakeGenerator;

beforeEach(async () => {
  db = await migratedTestDatabase();
  tracker = new FakeTracker();
  generator = new FakeGenerator();
});

afterEach(async () => {
  // Every process on the database stops before the database goes.
  await stopStarted();
  await db.destroy();
});

/** A bot process on the test database (several may share it). */
async function service(overrides: StartOptions = {}): Promise<RunService> {
  return (await startCore({ db, trackers: { linear: tracker }, generator, ...overrides })).runs;
}

async function start(runs: RunService, keys: string[], options = {}): Promise<{ runId: string; duplicate: false }> {
  const result = await runs.startRun({ trigger: "CLI", refs: keys.map(linearRef), requestedBy: "tester", options });
  if (result.duplicate) throw new Error("unexpected duplicate");
  return result;
}

describe("reading stories", () => {
  it("reads a run's stories in one request per 50 at resolve, and each story's step does not read its story again", async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `ENG-${i + 1}`);
    tracker.addEpic("ENG-EPIC", keys);
    const runs = await service({ env: { EPIC_STORY_LIMIT: "60" } });
    const { runId } = await start(runs, ["ENG-EPIC"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(tracker.countCalls("readStories")).toBe(2);
    expect(tracker.countCalls("getStory")).toBe(0);
    // Per fresh story: batch create and comment, and one request for its dependency links (the
    // fake model's subtasks depend on each other); plus the expansion and 1 per 50 for reading.
    expect(tracker.calls.length).toBe(1 + 2 + 60 * 3);
    expect(tracker.countCalls("linkBlocks")).toBe(60);
  });

  it("starts an epic's first stories after its first read, not after the whole epic is read", async () => {
    const keys = Array.from({ length: 120 }, (_, i) => `ENG-${i + 1}`);
    tracker.addEpic("ENG-EPIC", keys);
    // The second read waits (up to 10 s) until some story has reached the model: were the jobs
    // sent only once every story was read, nothing could reach it, and the wait would run out.
    let modelReached: () => void = () => undefined;
    const reachedModel = new Promise<"reached">((resolve) => (modelReached = () => resolve("reached")));
    const generate = generator.generate.bind(generator);
    generator.generate = (context, options) => (modelReached(), generate(context, options));
    const readStories = tracker.readStories.bind(tracker);
    const beforeSecondRead: string[] = [];
    tracker.readStories = async (items) => {
      if (tracker.countCalls("readStories") === 1) {
        beforeSecondRead.push(await Promise.race([reachedModel, new Promise<string>((resolve) => setTimeout(() => resolve("timed out"), 10_000))]));
      }
      return readStories(items);
    };
    const runs = await service({ env: { EPIC_STORY_LIMIT: "120" } });
    const { runId } = await start(runs, ["ENG-EPIC"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(beforeSecondRead).toEqual(["reached"]);
    // Read 50 at a time all the same: no story read alone.
    expect(tracker.countCalls("readStories")).toBe(3);
    expect(tracker.countCalls("getStory")).toBe(0);
  });

  it("a first read that fails (asked for while the stories are recorded) leaves the stories to their steps, and the run completes", async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `ENG-${i + 1}`);
    tracker.addEpic("ENG-EPIC", keys);
    const readStories = tracker.readStories.bind(tracker);
    let reads = 0;
    tracker.readStories = async (items) => {
      reads += 1;
      if (reads === 1) throw new AppError(ErrorCode.TrackerUnavailable, "Linear is down for a moment", { retryable: true });
      return readStories(items);
    };
    const runs = await service({ env: { EPIC_STORY_LIMIT: "60" } });
    const { runId } = await start(runs, ["ENG-EPIC"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(await db.prisma.runStory.count({ where: { runId, status: "COMPLETED" } })).toBe(60);
    expect(tracker.createdTitles).toHaveLength(180);
  });

  it("a run of one story leaves it to its step's read", async () => {
    tracker.addStory("ENG-1");
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    expect(tracker.calls.map((call) => call.method)).toEqual(["expand", "getStory", "createSubtasks", "linkBlocks", "comment"]);
  });

  it("a story whose read-ahead is older than a few minutes is read again by its step", async () => {
    tracker.addStory("ENG-1");
    const runs = await service();
    // The snapshot a resolve would have kept, long ago; the tracker has moved on since.
    const story = await tracker.getStory(linearRef("ENG-1"));
    tracker.stories.get("ENG-1")!.title = "Renamed in the tracker";
    await db.prisma.story.create({
      data: { tracker: "LINEAR", trackerId: story.id, key: "ENG-1", title: story.title, snapshot: JSON.parse(JSON.stringify({ v: 1, story })), snapshotAt: new Date(Date.now() - 10 * 60_000) },
    });
    // A run of one story makes no batch read: the old snapshot stays as it was.
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    expect(tracker.countCalls("getStory", "ENG-1")).toBe(2);
    expect((await db.prisma.story.findFirstOrThrow({ where: { key: "ENG-1" } })).title).toBe("Renamed in the tracker");
  });
});

describe("a run", () => {
  it("takes three stories to subtasks in the tracker and records every step", async () => {
    for (const key of ["ENG-1", "ENG-2", "ENG-3"]) tracker.addStory(key);
    const runs = await service();
    const completed: RunSummary[] = [];
    const updates: StoryProgress[] = [];
    runs.observe({ onRunComplete: (run) => void completed.push(run), onStoryUpdate: (story) => void updates.push(story) });

    const started = await start(runs, ["ENG-1", "ENG-2", "ENG-3"]);
    expect(started.duplicate).toBe(false);
    const runId = started.runId;
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { runStories: { include: { story: true } } } });
    expect(run).toMatchObject({ type: "GENERATE_SUBTASKS", trigger: "CLI", storiesTotal: 3, storiesDone: 3, storiesFailed: 0, subtasksCreated: 9, tokensUsed: 7200 });
    expect(Number(run.costUsd)).toBeCloseTo(0.0168, 6);
    expect(run.completedAt).toBeInstanceOf(Date);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    for (const runStory of run.runStories) {
      expect(runStory).toMatchObject({ status: "COMPLETED", subtasksCreated: 3, subtasksDeleted: 0, tokensUsed: 2400, retryCount: 0, errorMsg: null });
      expect(runStory.startedAt).toBeInstanceOf(Date);
      expect(runStory.durationMs).toBeGreaterThanOrEqual(0);
      const subtasks = await db.prisma.subtask.findMany({ where: { storyId: runStory.storyId }, orderBy: { code: "asc" } });
      expect(subtasks.map((s) => s.code)).toEqual(["ST1", "ST2", "ST3"]);
      expect(subtasks.every((s) => s.runId === runId && s.trackerId && s.trackerKey && s.trackerUrl && s.syncedAt)).toBe(true);
      const story = tracker.stories.get(runStory.story.key)!;
      expect(story.children).toHaveLength(3);
      expect(story.comments).toHaveLength(1);
      expect(story.comments[0]).toContain(`created 3 subtasks (run \`${runId}\`)`);
      expect(story.comments[0]).toContain(`[${subtasks[0]!.trackerKey}](${subtasks[0]!.trackerUrl}) ST1`);
      // The story was read with the others at resolve: batch create + comment are its own requests.
      expect(tracker.calls.filter((c) => c.key === runStory.story.key && c.method !== "expand").map((c) => c.method)).toEqual(["createSubtasks", "comment"]);
    }
    expect(tracker.countCalls("readStories")).toBe(1);
    // The event follows the database update that finished the run.
    await waitFor(async () => completed.length > 0, 5_000, "the completion event");
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ runId, status: "COMPLETED", subtasksCreated: 9 });
    expect(updates.filter((u) => u.status === "COMPLETED").map((u) => u.storyKey).sort()).toEqual(["ENG-1", "ENG-2", "ENG-3"]);
    expect(updates.some((u) => u.status === "GENERATING")).toBe(true);
  });

  it("expands an epic into its stories and mirrors them with codes S1, S2…", async () => {
    tracker.addEpic("ENG-10", ["ENG-11", "ENG-12"], "Checkout");
    const runs = await service();
    const { runId } = await start(runs, ["ENG-10"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    const epic = await db.prisma.epic.findFirstOrThrow({ where: { key: "ENG-10" }, include: { stories: { orderBy: { code: "asc" } }, runEpics: true } });
    expect(epic.stories.map((s) => [s.code, s.key])).toEqual([["S1", "ENG-11"], ["S2", "ENG-12"]]);
    expect(epic.runEpics[0]).toMatchObject({ runId, status: "COMPLETED", storiesFound: 2, storiesDone: 2 });
    // the engine heard about the sibling story
    expect(generator.calls.find((c) => c.key === "ENG-11")?.siblingTitles).toEqual(["Story ENG-12"]);
  });

  it("fails with the reason when no reference can be resolved", async () => {
    const runs = await service();
    const { runId } = await start(runs, ["ENG-404"]);
    expect(await waitForRun(db, runId)).toBe("FAILED");
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    // The fake rejects an unknown key with the adapters' StoryNotFound, so the reason reads as it would on Linear.
    expect(run.errorMsg).toBe("ENG-404: Linear has no issue ENG-404, or the bot's account cannot see it");
  });

  it("in dry-run mode generates and reports but creates nothing", async () => {
    tracker.addStory("ENG-1");
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"], { dryRun: true });
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    expect(tracker.createdTitles).toEqual([]);
    expect(tracker.stories.get("ENG-1")!.comments).toEqual([]);
    expect(await db.prisma.subtask.count()).toBe(0);
    const progress = await runs.loadRunProgress(runId);
    expect(progress!.stories[0]!.subtasks.map((s) => s.code)).toEqual(["ST1", "ST2", "ST3"]);
    expect(progress!.run).toMatchObject({ subtasksCreated: 0, tokensUsed: 2400 });
  });

  it("skips a closed story with the reason", async () => {
    tracker.addStory("ENG-1", { closed: true });
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    const runStory = await db.prisma.runStory.findFirstOrThrow({ where: { runId } });
    expect(runStory).toMatchObject({ status: "SKIPPED", errorMsg: "skipped: ENG-1 is closed; closed stories are not broken down" });
    expect(generator.calls).toHaveLength(0);
  });
});

/** ENG-1 run twice, a person having picked up the first run's ST1 in between. */
async function runTwiceWithSt1PickedUp(): Promise<{ first: { runId: string }; second: { runId: string } }> {
  tracker.addStory("ENG-1");
  const runs = await service();
  const first = await start(runs, ["ENG-1"]);
  await waitForRun(db, first.runId);
  tracker.stories.get("ENG-1")!.children[0]!.touched = true;
  const second = await start(runs, ["ENG-1"]);
  expect(await waitForRun(db, second.runId)).toBe("COMPLETED");
  return { first, second };
}

describe("regeneration", () => {
  it("deletes untouched bot children, keeps touched and human ones, and continues the codes", async () => {
    tracker.addStory("ENG-1", {
      children: [
        { id: "c1", key: "ENG-101", title: "Old step 1", state: "Backlog", marker: { runId: "old", code: "ST1" }, touched: false },
        { id: "c2", key: "ENG-102", title: "Old step 2", state: "Backlog", marker: { runId: "old", code: "ST2" }, touched: false },
        { id: "c3", key: "ENG-103", title: "Old step 3", state: "In Progress", marker: { runId: "old", code: "ST3" }, touched: true },
        { id: "h1", key: "ENG-104", title: "Write the runbook", state: "Todo", marker: null, touched: false },
      ],
    });
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    const children = tracker.stories.get("ENG-1")!.children;
    expect(children.map((c) => c.key)).toEqual(expect.arrayContaining(["ENG-103", "ENG-104"]));
    expect(children.map((c) => c.key)).not.toContain("ENG-101");
    expect(children.map((c) => c.key)).not.toContain("ENG-102");
    expect(children.find((c) => c.id === "h1")).toEqual({ id: "h1", key: "ENG-104", title: "Write the runbook", state: "Todo", marker: null, touched: false });
    const context = generator.calls[0]!;
    expect(context.existingChildren).toEqual([
      { title: "Old step 3", key: "ENG-103", state: "In Progress", createdByBot: true, code: "ST3" },
      { title: "Write the runbook", key: "ENG-104", state: "Todo", createdByBot: false },
    ]);
    const runStory = await db.prisma.runStory.findFirstOrThrow({ where: { runId } });
    expect(runStory).toMatchObject({ subtasksDeleted: 2, subtasksCreated: 3 });
    const codes = (await db.prisma.subtask.findMany({ where: { runId } })).map((s) => s.code).sort();
    expect(codes).toEqual(["ST4", "ST5", "ST6"]);
    expect(tracker.stories.get("ENG-1")!.comments[0]).toContain("Replaced 2 earlier subtasks nobody had touched: ENG-101, ENG-102.");
  });

  it("a second run on the same story replaces the first run's untouched subtasks locally too", async () => {
    const { first, second } = await runTwiceWithSt1PickedUp();
    const rows = await db.prisma.subtask.findMany({ orderBy: { code: "asc" }, where: { story: { key: "ENG-1" } } });
    expect(rows.map((r) => [r.code, r.runId])).toEqual([
      ["ST1", first.runId],
      ["ST2", second.runId],
      ["ST3", second.runId],
      ["ST4", second.runId],
    ]);
    expect(tracker.stories.get("ENG-1")!.children).toHaveLength(4);
  });
});

describe("failures", () => {
  it("a story whose generation keeps failing ends FAILED with the typed message; the run is PARTIAL", async () => {
    tracker.addStory("ENG-1");
    tracker.addStory("ENG-2");
    generator.failFor = (context) =>
      context.key === "ENG-2" ? new AppError(ErrorCode.ModelOverloaded, "Claude is overloaded (HTTP 529); try again later", { retryable: true }) : undefined;
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1", "ENG-2"]);
    expect(await waitForRun(db, runId)).toBe("PARTIAL");
    const failed = await db.prisma.runStory.findFirstOrThrow({ where: { runId, story: { key: "ENG-2" } } });
    expect(failed).toMatchObject({ status: "FAILED", retryCount: 3, errorMsg: "Claude is overloaded (HTTP 529); try again later" });
    expect(generator.callsFor("ENG-2")).toBe(4);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ storiesDone: 1, storiesFailed: 1, subtasksCreated: 3 });
  });

  it("an error that cannot clear fails at once, without retries", async () => {
    tracker.addStory("ENG-1");
    generator.failFor = () => new AppError(ErrorCode.InvalidOutput, "Claude's answer did not match the schema twice: subtasks: Too small");
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("FAILED");
    expect(await db.prisma.runStory.findFirstOrThrow({ where: { runId } })).toMatchObject({ status: "FAILED", retryCount: 0 });
    expect(generator.calls).toHaveLength(1);
  });

  it("a sub-issue that fails to be created is retried alone; the others are not created twice", async () => {
    tracker.addStory("ENG-1");
    let failures = 1;
    tracker.failItem = (subtask) => (subtask.code === "ST2" && failures-- > 0 ? "Linear said: conflict" : undefined);
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    expect(tracker.createdTitles.sort()).toEqual(["ENG-1: step 1", "ENG-1: step 2", "ENG-1: step 3"]);
    expect(await db.prisma.runStory.findFirstOrThrow({ where: { runId } })).toMatchObject({ retryCount: 1, subtasksCreated: 3 });
    expect(generator.calls).toHaveLength(1);
  });
});

describe("dependencies as tracker links", () => {
  /** "ST1 blocks ST2" for each link the tracker holds under a story, by the codes in the markers. */
  function linksIn(key: string): string[] {
    const code = new Map(tracker.stories.get(key)!.children.map((child) => [child.id, child.marker?.code ?? child.key]));
    return tracker.links.map((link) => `${code.get(link.blockerId)} blocks ${code.get(link.blockedId)}`).sort();
  }

  async function recorded(runId: string): Promise<string[]> {
    const rows = await db.prisma.subtaskLink.findMany({ where: { blocker: { runId } }, include: { blocker: true, blocked: true } });
    return rows.map((row) => `${row.blocker.code} blocks ${row.blocked.code}`).sort();
  }

  it("each dependsOn becomes one blocks link from the earlier sub-issue to the later one, recorded once made", async () => {
    tracker.addStory("ENG-1");
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    // FakeGenerator: ST2 after ST1, ST3 after ST2.
    expect(linksIn("ENG-1")).toEqual(["ST1 blocks ST2", "ST2 blocks ST3"]);
    expect(await recorded(runId)).toEqual(["ST1 blocks ST2", "ST2 blocks ST3"]);
    expect(tracker.countCalls("linkBlocks")).toBe(1);
  });

  it("a link that fails is asked for again alone on the retry; the recorded one is not asked for twice", async () => {
    tracker.addStory("ENG-1");
    const asked: string[][] = [];
    let failures = 1;
    tracker.failLink = (link) => (link.blocked.code === "ST3" && failures-- > 0 ? "Linear said: conflict" : undefined);
    const linkBlocks = tracker.linkBlocks.bind(tracker);
    tracker.linkBlocks = async (links) => {
      asked.push(links.map((link) => `${link.blocker.code} blocks ${link.blocked.code}`));
      return linkBlocks(links);
    };
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);

    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    expect(asked).toEqual([["ST1 blocks ST2", "ST2 blocks ST3"], ["ST2 blocks ST3"]]);
    expect(tracker.linksMade).toBe(2);
    expect(await recorded(runId)).toEqual(["ST1 blocks ST2", "ST2 blocks ST3"]);
    expect(await db.prisma.runStory.findFirstOrThrow({ where: { runId } })).toMatchObject({ status: "COMPLETED", retryCount: 1, subtasksCreated: 3 });
    expect(tracker.stories.get("ENG-1")!.comments).toHaveLength(1);
  });

  it("a regeneration deletes the old sub-issues with their links, links the new ones, and drops the old records", async () => {
    const { first, second } = await runTwiceWithSt1PickedUp();

    // ST1 stays; the old ST2 and ST3 went with their links (ST1 → ST2 too); the new answer
    // numbers on from ST1 and links its own ST2 → ST3 → ST4.
    expect(linksIn("ENG-1")).toEqual(["ST2 blocks ST3", "ST3 blocks ST4"]);
    const markers = new Map(tracker.stories.get("ENG-1")!.children.map((child) => [child.id, child.marker?.runId]));
    expect(tracker.links.flatMap((link) => [markers.get(link.blockerId), markers.get(link.blockedId)])).toEqual(Array(4).fill(second.runId));
    expect(await recorded(first.runId)).toEqual([]);
    expect(await recorded(second.runId)).toEqual(["ST2 blocks ST3", "ST3 blocks ST4"]);
  });

  it("where the tracker has no Blocks link type, the story completes without links and keeps the reason for its thread and comment", async () => {
    tracker = new FakeTracker({ name: "jira" });
    tracker.blocksLinkType = false;
    tracker.addStory("PROJ-1");
    const runs = await startCore({ db, trackers: { jira: tracker }, generator }).then((core) => core.runs);
    const result = await runs.startRun({ trigger: "CLI", refs: [{ tracker: "jira", key: "PROJ-1", kind: "issue", input: "PROJ-1" }], requestedBy: "tester" });

    expect(await waitForRun(db, result.runId!)).toBe("COMPLETED");
    expect(tracker.links).toEqual([]);
    const progress = (await runs.loadRunProgress(result.runId!))!;
    expect(progress.stories[0]).toMatchObject({ status: "COMPLETED", subtasksCreated: 3, linksUnavailable: 'This Jira site has no "Blocks" link type.' });
    expect(tracker.stories.get("PROJ-1")!.comments[0]).toContain('This Jira site has no "Blocks" link type.');
    expect(await recorded(result.runId!)).toEqual([]);
  });
});

describe("concurrency", () => {
  it("the same story requested twice at once: one run works on it, the other skips it with the reason", async () => {
    tracker.addStory("ENG-1");
    generator = new FakeGenerator({ delayMs: 400 });
    const runs = await service();
    const [a, b] = await Promise.all([start(runs, ["ENG-1"]), start(runs, ["ENG-1"])]);
    await Promise.all([waitForRun(db, a.runId), waitForRun(db, b.runId)]);
    const stories = await db.prisma.runStory.findMany({ where: { runId: { in: [a.runId, b.runId] } } });
    const statuses = stories.map((s) => s.status).sort();
    expect(statuses).toEqual(["COMPLETED", "SKIPPED"]);
    const skipped = stories.find((s) => s.status === "SKIPPED")!;
    const worker = stories.find((s) => s.status === "COMPLETED")!;
    expect(skipped.errorMsg).toBe(`skipped: this story is being worked on by run ${worker.runId}`);
    expect(generator.calls).toHaveLength(1);
    expect(tracker.createdTitles).toHaveLength(3);
  });

  it("works on RUN_CONCURRENCY stories at once, never more, though its queue hands it twice as many jobs", async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `ENG-${i + 1}`);
    for (const key of keys) tracker.addStory(key);
    generator = new FakeGenerator({ delayMs: 120 });
    // A story is at work from its model call to its comment, the last thing it writes to the tracker.
    let atWork = 0;
    let mostAtWork = 0;
    const generate = generator.generate.bind(generator);
    generator.generate = (context, options) => ((mostAtWork = Math.max(mostAtWork, ++atWork)), generate(context, options));
    const comment = tracker.comment.bind(tracker);
    tracker.comment = async (story, markdown) => {
      await comment(story, markdown);
      atWork -= 1;
    };
    const runs = await service({ concurrency: 2 });
    const { runId } = await start(runs, keys);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(mostAtWork).toBe(2);
    expect(generator.calls).toHaveLength(10);
  });

  it("claims a story while the one before it in the slot writes its last, so the slot passes on without waiting for a claim", async () => {
    for (const key of ["ENG-1", "ENG-2"]) tracker.addStory(key);
    generator = new FakeGenerator({ delayMs: 50 });
    let atWork = 0;
    let mostAtWork = 0;
    const generate = generator.generate.bind(generator);
    generator.generate = (context, options) => ((mostAtWork = Math.max(mostAtWork, ++atWork)), generate(context, options));
    // While the first story's comment is under way, the second story's row is looked at: it is
    // claimed by then (the comment waits up to 5 s for that), and not at work yet.
    const claimedDuringComment: boolean[] = [];
    const comment = tracker.comment.bind(tracker);
    tracker.comment = async (story, markdown) => {
      if (claimedDuringComment.length === 0) {
        const other = story.key === "ENG-1" ? "ENG-2" : "ENG-1";
        const claimed = await waitFor(
          async () => (await db.prisma.runStory.findFirst({ where: { story: { key: other }, status: "GENERATING" } })) !== null,
          5_000,
        ).then(() => true, () => false);
        claimedDuringComment.push(claimed);
      }
      await comment(story, markdown);
      atWork -= 1;
    };
    const runs = await service({ concurrency: 1 });
    const { runId } = await start(runs, ["ENG-1", "ENG-2"]);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(claimedDuringComment).toEqual([true]);
    expect(mostAtWork).toBe(1);
    expect(generator.calls).toHaveLength(2);
  });

  it("a stop asked for while a story's job waits for a slot ends the story without calling the model", async () => {
    for (const key of ["ENG-1", "ENG-2"]) tracker.addStory(key);
    generator = new FakeGenerator({ delayMs: 600 });
    let firstCall: () => void = () => undefined;
    const modelCalled = new Promise<void>((resolve) => (firstCall = resolve));
    const generate = generator.generate.bind(generator);
    generator.generate = (context, options) => (firstCall(), generate(context, options));
    // One slot: the second story's job has its row in hand and waits while the first story is at work.
    const runs = await service({ concurrency: 1 });
    const { runId } = await start(runs, ["ENG-1", "ENG-2"]);
    await modelCalled;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const waiting = await db.prisma.runStory.findFirstOrThrow({ where: { runId, status: "PENDING" }, include: { story: true } });
    expect(await runs.stopStory(waiting.id)).toBe("stopping");
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(generator.calls.map((context) => context.key)).toEqual([waiting.story.key === "ENG-1" ? "ENG-2" : "ENG-1"]);
    expect(await db.prisma.runStory.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ status: "SKIPPED", errorMsg: expect.stringContaining("stopped at a person's request") });
  });

  it("a stop asked for during the model call: the story ends without sub-issues, and without Subtask rows for them", async () => {
    tracker.addStory("ENG-1");
    generator = new FakeGenerator({ delayMs: 500 });
    let called: () => void = () => undefined;
    const modelCalled = new Promise<void>((resolve) => (called = resolve));
    const generate = generator.generate.bind(generator);
    generator.generate = (context, options) => (called(), generate(context, options));
    const runs = await service();
    const { runId } = await start(runs, ["ENG-1"]);
    await modelCalled;
    const story = await db.prisma.runStory.findFirstOrThrow({ where: { runId } });
    expect(await runs.stopStory(story.id)).toBe("stopping");
    expect(await waitForRun(db, runId)).toBe("COMPLETED");

    expect(await db.prisma.runStory.findUniqueOrThrow({ where: { id: story.id } })).toMatchObject({ status: "SKIPPED" });
    expect(tracker.createdTitles).toEqual([]);
    // The move to SAVING, refused for the stop, saved none of the answer's rows either.
    expect(await db.prisma.subtask.count({ where: { runId } })).toBe(0);
  });

  it("two workers on one run: every story is processed once and the run completes once", async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `ENG-${i + 1}`);
    for (const key of keys) tracker.addStory(key);
    // Slow enough that the second process's idle poll (1 s) comes while work is left, even on a
    // loaded machine: one process alone would need 4 rounds of 600 ms.
    const generatorA = new FakeGenerator({ delayMs: 600 });
    const generatorB = new FakeGenerator({ delayMs: 600 });
    const completions: string[] = [];
    const first = await service({ concurrency: 3, generator: generatorA });
    const second = await service({ concurrency: 3, generator: generatorB });
    for (const runs of [first, second]) runs.observe({ onRunComplete: (run) => void completions.push(run.runId) });
    const { runId } = await start(first, keys);
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    await waitFor(async () => completions.length > 0, 5_000, "the completion event");
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const key of keys) expect(generatorA.callsFor(key) + generatorB.callsFor(key)).toBe(1);
    expect(generatorA.calls.length).toBeGreaterThan(0);
    expect(generatorB.calls.length).toBeGreaterThan(0);
    expect(tracker.createdTitles).toHaveLength(36);
    expect(new Set(tracker.createdTitles).size).toBe(36);
    expect(completions).toEqual([runId]);
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ storiesDone: 12, subtasksCreated: 36 });
  });
});

describe("webhook deliveries", () => {
  it("a repeated delivery starts one run, even when both arrive at once", async () => {
    tracker.addStory("ENG-1");
    const runs = await service();
    const input = { trigger: "TRACKER_LABEL" as const, refs: [linearRef("ENG-1")], requestedBy: "linear-user", delivery: { provider: "LINEAR" as const, deliveryId: "d-1", event: "Issue" } };
    const results = await Promise.all([runs.startRun(input), runs.startRun(input), runs.startRun(input)]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const winner = results.find((r) => !r.duplicate)!.runId!;
    await waitFor(async () => (await db.prisma.webhookDelivery.count()) === 1 && (await db.prisma.run.count()) === 1, 5_000, "one run");
    expect(results.filter((r) => r.duplicate).map((r) => r.runId)).toEqual([winner, winner]);
    expect(await waitForRun(db, winner)).toBe("COMPLETED");
  });

  it("a run stored without its job (the job insert failed) is refused to its caller, then enqueued by the sweeper and run", async () => {
    tracker.addStory("ENG-7");
    const queue = new RunQueue({ databaseUrl: db.url, logger: silentLogger });
    const runs = await service({ queue });
    const insertJobs = vi.spyOn(queue, "insertResolveJobs").mockRejectedValueOnce(new Error("connection terminated"));
    const input = { trigger: "TRACKER_LABEL" as const, refs: [linearRef("ENG-7")], requestedBy: "linear-user", delivery: { provider: "LINEAR" as const, deliveryId: "d-7", event: "Issue" } };
    // The sender is not told "started" (a webhook answers 503), so it retries: a duplicate.
    await expect(runs.startRun(input)).rejects.toThrow("connection terminated");
    const retry = await runs.startRun(input);
    const run = await db.prisma.run.findFirstOrThrow();
    expect(retry).toEqual({ duplicate: true, runId: run.id });
    expect(insertJobs).toHaveBeenCalledTimes(1);
    // The run is stored, QUEUED, with no job; once it is old enough the sweeper hands it over.
    await db.prisma.run.update({ where: { id: run.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    await runs.sweep();
    expect(await waitForRun(db, run.id)).toBe("COMPLETED");
    expect(tracker.createdTitles.length).toBeGreaterThan(0);
  });

  it("a run whose last story finished just before its process died (the run never marked finished) is finished by the sweeper", async () => {
    // Found by npm run chaos: kill -9 between the story's final write and the run's finish left
    // the run RUNNING for ever, and its Slack message never final.
    tracker.addStory("ENG-8");
    const runs = await service();
    const { runId } = (await runs.startRun({ trigger: "CLI", refs: [linearRef("ENG-8")], requestedBy: "tester" })) as { runId: string };
    expect(await waitForRun(db, runId)).toBe("COMPLETED");
    // The state the kill leaves: the story final, the run not.
    await db.prisma.run.update({ where: { id: runId }, data: { status: "RUNNING", completedAt: null, storiesDone: 0 } });

    await runs.sweep();

    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "COMPLETED", storiesDone: 1 });
  });

  it("a new run is recorded while runs in progress hold every shared connection", async () => {
    const runs = await service({ work: false });
    // Runs in progress (or any burst of reads) can take the whole shared pool; the person's
    // /subtasks and the tracker's delivery must still be recorded and answered at once.
    const held = await Promise.all(Array.from({ length: 5 }, () => db.pool.connect()));
    try {
      const waitingForShared = db.pool.query("SELECT 1");
      const result = await Promise.race([
        runs.startRun({ trigger: "CLI", refs: [linearRef("ENG-1")], requestedBy: "tester" }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the run waited for a shared connection")), 3_000)),
      ]);
      expect(result.duplicate).toBe(false);
      expect(db.pool.waitingCount).toBe(1);
      held[0]!.release();
      await waitingForShared;
    } finally {
      for (const client of held.slice(1)) client.release();
    }
    expect(await db.prisma.run.count()).toBe(1);
  });

  it("a burst of deliveries is recorded together: every new one gets its run and its job, every repeat the first run", async () => {
    const runs = await service({ work: false });
    const input = (n: number) => ({
      trigger: "TRACKER_LABEL" as const,
      refs: [linearRef(`ENG-${n}`)],
      requestedBy: "linear-user",
      delivery: { provider: "LINEAR" as const, deliveryId: `burst-${n}`, event: "Issue" },
    });
    const burst = Array.from({ length: 300 }, (_, i) => input(i % 250));
    const results = await Promise.all(burst.map((item) => runs.startRun(item)));
    const started = results.filter((r) => !r.duplicate).map((r) => r.runId!);
    expect(new Set(started).size).toBe(250);
    expect(await db.prisma.run.count()).toBe(250);
    expect(await db.prisma.webhookDelivery.count()).toBe(250);
    // Each delivery id was sent twice; the two may land in different batches written at the same
    // time, and either may win: one starts the run, the other is told that run.
    for (let i = 250; i < 300; i++) {
      const pair = [results[i - 250]!, results[i]!];
      const winner = pair.find((r) => !r.duplicate)!;
      expect(pair.filter((r) => r.duplicate)).toEqual([{ duplicate: true, runId: winner.runId }]);
    }
    const jobs = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'run-resolve'`);
    expect(jobs.rows[0]!.n).toBe(250);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: started[0]! } });
    expect(run).toMatchObject({ type: "GENERATE_SUBTASKS", status: "QUEUED", trigger: "TRACKER_LABEL", refs: ["ENG-0"], requestedBy: "linear-user" });
    expect(run.id).toMatch(/^c[0-9a-z]{24}$/);
  });
});
