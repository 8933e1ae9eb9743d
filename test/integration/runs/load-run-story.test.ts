// A story job's first read, on the pool rather than through Prisma: the same row Prisma reads.
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

describe("loading a run's story", () => {
  it("reads the row, its story and the run's fields as Prisma does: dates as dates in UTC, JSON as values, enums and arrays as they are", async () => {
    const store = new RunStore(db.prisma, db.pool);
    const run = await db.prisma.run.create({
      data: { type: "GENERATE_SUBTASKS", trigger: "SLASH_COMMAND", requestedBy: "U123", options: { review: true, targets: [] }, slackChannel: "C1", slackThreadTs: "1700000000.000100" },
    });
    const epic = await db.prisma.epic.create({ data: { tracker: "LINEAR", trackerId: "id-ENG-10", key: "ENG-10", title: "Epic" } });
    const story = await db.prisma.story.create({
      data: {
        tracker: "LINEAR", trackerId: "id-ENG-11", key: "ENG-11", title: "Story", url: "https://linear.app/acme/issue/ENG-11", epicId: epic.id, code: "S1",
        snapshot: { v: 1, story: { id: "id-ENG-11", title: "Story", labels: ["a", "b"] } }, snapshotAt: new Date("2026-11-27T01:02:03.456Z"),
      },
    });
    const row = await db.prisma.runStory.create({
      data: {
        runId: run.id, storyId: story.id, status: "GENERATING", jobId: "job-1", startedAt: new Date("2026-11-27T01:02:04.567Z"),
        proposal: { verdict: "breakdown", subtasks: [{ code: "ST1", title: "Do it" }] }, instructions: ["keep it small", "in French"], tokensUsed: 2400, reviewState: "AWAITING",
      },
    });

    const loaded = await store.loadRunStory(row.id);

    const asPrismaReads = await db.prisma.runStory.findUniqueOrThrow({
      where: { id: row.id },
      include: { story: true, run: { select: { id: true, trigger: true, requestedBy: true, options: true, slackChannel: true, slackThreadTs: true } } },
    });
    expect(loaded).toEqual(asPrismaReads);
    expect(loaded!.startedAt).toEqual(new Date("2026-11-27T01:02:04.567Z"));
    expect(loaded!.story.snapshotAt).toEqual(new Date("2026-11-27T01:02:03.456Z"));
    expect(await store.loadRunStory("no-such-row")).toBeNull();
  });
});
