// A whole run through the real Linear adapter and the real generation engine, with nock playing
// Linear's GraphQL API and Claude's Messages API.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { playClaude } from "../support/claude.ts";
import { LinearWorkspace } from "../support/linear-workspace.ts";
import { waitForRun } from "../support/runs.ts";
import { startApp, stopStarted, type TestApp } from "../support/app.ts";

let app: TestApp | undefined;
afterEach(async () => {
  await stopStarted();
  app = undefined;
  nock.cleanAll();
});

const env = {
  LINEAR_API_KEY: "lin_api_test_key_123",
  ANTHROPIC_API_KEY: "sk-ant-test-key-123",
  ANTHROPIC_BASE_URL: "https://anthropic.test",
};

describe("a run end to end on Linear and Claude", () => {
  it("breaks three stories into sub-issues, records every row and comments on each story", async () => {
    const linear = new LinearWorkspace();
    const claude = playClaude();
    for (const key of ["ENG-1", "ENG-2", "ENG-3"]) linear.addIssue(key, { title: `Checkout step ${key}` });
    app = await startApp({ env, ...(process.env.TEST_LOG ? { logger: (await import("../../src/log/logger.ts")).createLogger({ level: "debug" }) } : {}) });

    const started = await app.runs.startRun({
      trigger: "CLI",
      refs: ["ENG-1", "ENG-2", "ENG-3"].map((key) => ({ tracker: "linear" as const, key, kind: "issue" as const, input: key })),
      requestedBy: "tester",
    });
    const runId = started.runId!;
    expect(await waitForRun(app.db, runId)).toBe("COMPLETED");

    const run = await app.db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { runStories: { include: { story: true } } } });
    expect(run).toMatchObject({ status: "COMPLETED", storiesTotal: 3, storiesDone: 3, subtasksCreated: 9, tokensUsed: 3 * 2200 });
    expect(Number(run.costUsd)).toBeGreaterThan(0);
    for (const runStory of run.runStories) {
      const key = runStory.story.key;
      expect(runStory).toMatchObject({ status: "COMPLETED", subtasksCreated: 3, tokensUsed: 2200, errorMsg: null });
      expect(runStory.story).toMatchObject({ tracker: "LINEAR", trackerId: linear.byKey(key).id, title: `Checkout step ${key}`, generationModel: "claude-sonnet-5-5" });
      const children = linear.childrenOf(key);
      expect(children.map((c) => c.title).sort()).toEqual([`Implement part 1 of ${key}`, `Implement part 2 of ${key}`, `Implement part 3 of ${key}`]);
      for (const child of children) {
        expect(child.labels).toContain("subtasks-bot");
        expect(child.description).toMatch(new RegExp(`Created by subtasks-bot · run ${runId} · ST[123] · ref sb1-[0-9a-f]{8}$`));
      }
      const rows = await app.db.prisma.subtask.findMany({ where: { storyId: runStory.storyId }, orderBy: { code: "asc" } });
      expect(rows.map((r) => [r.code, r.effort])).toEqual([["ST1", "S"], ["ST2", "M"], ["ST3", "L"]]);
      expect(rows.map((r) => r.trackerId).sort()).toEqual(children.map((c) => c.id).sort());
      const comments = linear.byKey(key).comments;
      expect(comments).toHaveLength(1);
      expect(comments[0]).toContain(`[${children.find((c) => c.title === `Implement part 1 of ${key}`)!.identifier}](https://linear.app/acme/issue/`);
    }
    // Per story: expand the ref, create its sub-issues in one batch, comment; the three stories
    // are read together in one request, and their team's context once for creating sub-issues.
    expect(linear.count("ExpandIssue")).toBe(3);
    expect(linear.count("Stories")).toBe(1);
    expect(linear.count("Story")).toBe(0);
    expect(linear.count("TeamContext")).toBe(1);
    expect(linear.count("CreateIssues")).toBe(3);
    expect(linear.count("CreateComment")).toBe(3);
    expect(claude.asked.sort()).toEqual(["ENG-1", "ENG-2", "ENG-3"]);
    linear.stop();
  });
});
