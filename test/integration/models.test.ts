import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { migratedTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

async function seed(key: string) {
  const epic = await db.prisma.epic.create({
    data: { tracker: "LINEAR", trackerId: `epic-${key}`, key: `EPIC-${key}`, title: "Checkout revamp" },
  });
  const story = await db.prisma.story.create({
    data: {
      tracker: "LINEAR",
      trackerId: `story-${key}`,
      key: `ENG-${key}`,
      title: "Pay with saved card",
      url: `https://linear.app/acme/issue/ENG-${key}`,
      epicId: epic.id,
      code: "S1",
    },
  });
  const run = await db.prisma.run.create({
    data: {
      type: "GENERATE_SUBTASKS",
      trigger: "SLASH_COMMAND",
      requestedBy: "U123",
      refs: [`ENG-${key}`],
      options: { count: { min: 3, max: 6 }, dryRun: false },
      slackChannel: "C1",
      slackThreadTs: "1700000000.000100",
    },
  });
  return { epic, story, run };
}

function uniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

describe("data model", () => {
  it("round-trips a run with its epic, story, junctions and subtasks", async () => {
    const { epic, story, run } = await seed("1");
    await db.prisma.runEpic.create({ data: { runId: run.id, epicId: epic.id, storiesFound: 1 } });
    await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id, proposal: { subtasks: [] } } });
    await db.prisma.subtask.createMany({
      data: [
        { storyId: story.id, code: "ST1", title: "Add card vault table", description: "**What**: …", effort: "S", runId: run.id },
        { storyId: story.id, code: "ST2", title: "Charge saved card", effort: "4h", runId: run.id, trackerId: "uuid-2", trackerKey: "ENG-2", trackerUrl: "https://linear.app/acme/issue/ENG-2", syncedAt: new Date() },
      ],
    });
    const loaded = await db.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { runEpics: { include: { epic: true } }, runStories: { include: { story: { include: { subtasks: { orderBy: { code: "asc" } }, epic: true } } } } },
    });
    expect(loaded).toMatchObject({ type: "GENERATE_SUBTASKS", status: "QUEUED", trigger: "SLASH_COMMAND", refs: ["ENG-1"] });
    expect(loaded.id).toMatch(/^c[a-z0-9]{20,}$/);
    expect(loaded.runEpics[0]).toMatchObject({ status: "PENDING", storiesFound: 1, epic: { key: "EPIC-1" } });
    const runStory = loaded.runStories[0]!;
    expect(runStory).toMatchObject({ status: "PENDING", subtasksCreated: 0, subtasksDeleted: 0, retryCount: 0, tokensUsed: null });
    expect(runStory.story.epic?.key).toBe("EPIC-1");
    expect(runStory.story.subtasks.map((s) => [s.code, s.effort, s.trackerKey])).toEqual([
      ["ST1", "S", null],
      ["ST2", "4h", "ENG-2"],
    ]);
    expect(loaded.costUsd.toString()).toBe("0");
  });

  it("allows each ST code once per story, but the same code on another story", async () => {
    const a = await seed("2");
    const b = await seed("3");
    await db.prisma.subtask.create({ data: { storyId: a.story.id, code: "ST1", title: "One" } });
    await db.prisma.subtask.create({ data: { storyId: b.story.id, code: "ST1", title: "One elsewhere" } });
    const duplicate = await db.prisma.subtask.create({ data: { storyId: a.story.id, code: "ST1", title: "Again" } }).catch((e) => e);
    expect(uniqueViolation(duplicate)).toBe(true);
  });

  it("allows a story once per run", async () => {
    const { story, run } = await seed("4");
    await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id } });
    const again = await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id } }).catch((e) => e);
    expect(uniqueViolation(again)).toBe(true);
  });

  it("records a webhook delivery once per provider", async () => {
    await db.prisma.webhookDelivery.create({ data: { provider: "LINEAR", deliveryId: "d-1", event: "Issue" } });
    await db.prisma.webhookDelivery.create({ data: { provider: "JIRA", deliveryId: "d-1" } });
    const again = await db.prisma.webhookDelivery.create({ data: { provider: "LINEAR", deliveryId: "d-1" } }).catch((e) => e);
    expect(uniqueViolation(again)).toBe(true);
  });

  it("deleting a run removes its junction rows but keeps stories and their subtasks", async () => {
    const { epic, story, run } = await seed("5");
    await db.prisma.runEpic.create({ data: { runId: run.id, epicId: epic.id } });
    await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id } });
    await db.prisma.subtask.create({ data: { storyId: story.id, code: "ST1", title: "Kept", runId: run.id } });
    await db.prisma.run.delete({ where: { id: run.id } });
    expect(await db.prisma.runStory.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.prisma.runEpic.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.prisma.subtask.count({ where: { storyId: story.id } })).toBe(1);
  });

  it("deleting a story removes its subtasks and run rows; deleting an epic detaches its stories", async () => {
    const { epic, story, run } = await seed("6");
    await db.prisma.runStory.create({ data: { runId: run.id, storyId: story.id } });
    await db.prisma.runEpic.create({ data: { runId: run.id, epicId: epic.id } });
    await db.prisma.subtask.create({ data: { storyId: story.id, code: "ST1", title: "Goes" } });
    await db.prisma.epic.delete({ where: { id: epic.id } });
    expect(await db.prisma.story.findUniqueOrThrow({ where: { id: story.id } })).toMatchObject({ epicId: null });
    expect(await db.prisma.runEpic.count({ where: { epicId: epic.id } })).toBe(0);
    await db.prisma.story.delete({ where: { id: story.id } });
    expect(await db.prisma.subtask.count({ where: { storyId: story.id } })).toBe(0);
    expect(await db.prisma.runStory.count({ where: { storyId: story.id } })).toBe(0);
    expect(await db.prisma.run.count({ where: { id: run.id } })).toBe(1);
  });

  it("mirrors a tracker item once per tracker", async () => {
    await seed("7");
    const again = await db.prisma.story
      .create({ data: { tracker: "LINEAR", trackerId: "story-7", key: "ENG-7", title: "dup" } })
      .catch((e) => e);
    expect(uniqueViolation(again)).toBe(true);
    await db.prisma.story.create({ data: { tracker: "JIRA", trackerId: "story-7", key: "PROJ-7", title: "other tracker" } });
  });
});
