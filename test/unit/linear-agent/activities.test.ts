// The activities and plans a story's progress becomes in its Linear agent session.
import { describe, expect, it } from "vitest";
import {
  escapeMarkdown,
  finalActivity,
  planFor,
  proposalElicitation,
  REVIEW_OPTIONS,
  SHOWN_SUBTASKS,
} from "../../../src/linear-agent/activities.ts";
import { STOPPED_REASON } from "../../../src/runs/process-story.ts";
import type { StoryProgress } from "../../../src/runs/types.ts";

function story(overrides: Partial<StoryProgress> = {}): StoryProgress {
  return {
    runId: "run1",
    runStoryId: "rs1",
    storyKey: "ENG-123",
    storyTitle: "Export orders",
    storyUrl: "https://linear.app/acme/issue/ENG-123",
    tracker: "LINEAR",
    status: "PENDING",
    reviewState: "AWAITING",
    subtasks: [
      { code: "ST1", title: "Add the *export* endpoint", effort: "M", url: null, key: null, criteria: ["one row per order"] },
      { code: "ST2", title: "Write the serializer", effort: "S", url: null, key: null, criteria: [] },
    ],
    subtasksCreated: 0,
    subtasksDeleted: 0,
    verdict: "breakdown",
    reason: "Endpoint, then serializer.",
    storyEstimate: null,
    instructions: [],
    tokensUsed: 1200,
    costUsd: 0.0123,
    durationMs: null,
    errorMsg: null,
    retryCount: 0,
    slackReplyTs: null,
    ...overrides,
  };
}

describe("escapeMarkdown", () => {
  it("escapes markdown's active characters and folds lines, so tracker text stays text", () => {
    expect(escapeMarkdown("**bold** [link](https://evil.test) <b>\n# heading | `code`")).toBe(
      "\\*\\*bold\\*\\* \\[link\\](https://evil.test) \\<b\\> \\# heading \\| \\`code\\`",
    );
  });

  it("cuts long text with an ellipsis", () => {
    expect(escapeMarkdown("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("proposalElicitation", () => {
  it("lists code, title (escaped), effort and criteria, with a select of Create and Discard", () => {
    const elicitation = proposalElicitation(story());
    expect(elicitation.signal).toBe("select");
    expect(elicitation.signalMetadata).toEqual({ options: [{ label: "Create", value: "create" }, { label: "Discard", value: "discard" }] });
    expect(REVIEW_OPTIONS.map((option) => option.value)).toEqual(["create", "discard"]);
    expect(elicitation.content.type).toBe("elicitation");
    const body = (elicitation.content as { body: string }).body;
    expect(body).toContain("- **ST1** Add the \\*export\\* endpoint · M · covers: one row per order");
    expect(body).toContain("- **ST2** Write the serializer · S");
    expect(body).toContain("reply with what to change");
  });

  it("truncates a long list with a link to the story", () => {
    const subtasks = Array.from({ length: SHOWN_SUBTASKS + 4 }, (_, i) => ({ code: `ST${i + 1}`, title: `Part ${i + 1}`, effort: "S", url: null, key: null }));
    const body = (proposalElicitation(story({ subtasks })).content as { body: string }).body;
    expect(body).toContain(`**ST${SHOWN_SUBTASKS}**`);
    expect(body).not.toContain(`**ST${SHOWN_SUBTASKS + 1}**`);
    expect(body).toContain("… and 4 more subtasks: see https://linear.app/acme/issue/ENG-123");
  });
});

describe("finalActivity", () => {
  it("a created story answers with its sub-issues' links and totals", () => {
    const done = story({
      status: "COMPLETED",
      reviewState: "APPROVED",
      subtasksCreated: 2,
      subtasks: [
        { code: "ST1", title: "A", effort: "M", url: "https://linear.app/acme/issue/ENG-130", key: "ENG-130" },
        { code: "ST2", title: "B", effort: "S", url: "https://linear.app/acme/issue/ENG-131", key: "ENG-131" },
      ],
    });
    const activity = finalActivity(done, false)!;
    expect(activity.type).toBe("response");
    expect((activity as { body: string }).body).toContain("Created 2 sub-issues of ENG-123");
    expect((activity as { body: string }).body).toContain("- **ST1** https://linear.app/acme/issue/ENG-130 A · M");
  });

  it("stop, discard and failure each say what happened in plain words", () => {
    expect(finalActivity(story({ status: "SKIPPED", errorMsg: STOPPED_REASON }), true)).toEqual({ type: "response", body: "Stopped. Nothing more was created for ENG-123." });
    expect(finalActivity(story({ status: "SKIPPED", reviewState: "DISCARDED" }), false)).toEqual({ type: "response", body: "Discarded. Nothing was created for ENG-123." });
    expect(finalActivity(story({ status: "FAILED", errorMsg: "model_overloaded: Claude is overloaded; try again later" }), false)).toEqual({
      type: "error",
      body: "I could not finish ENG-123: Claude is overloaded",
    });
    expect(finalActivity(story({ status: "GENERATING" }), false)).toBeNull();
  });
});

describe("planFor", () => {
  const statuses = (s: StoryProgress, stopped = false) => planFor(s, true, stopped).map((step) => step.status);

  it("follows the story: read → generate → wait for approval → create", () => {
    expect(planFor(story({ status: "GENERATING", reviewState: null }), true, false)).toEqual([
      { content: "Read ENG-123, its epic and its sub-issues", status: "completed" },
      { content: "Generate subtasks with Claude", status: "inProgress" },
      { content: "Wait for your approval", status: "pending" },
      { content: "Create the sub-issues", status: "pending" },
    ]);
    expect(statuses(story())).toEqual(["completed", "completed", "inProgress", "pending"]);
    expect(statuses(story({ status: "SAVING", reviewState: "APPROVED" }))).toEqual(["completed", "completed", "completed", "inProgress"]);
    expect(statuses(story({ status: "COMPLETED", reviewState: "APPROVED" }))).toEqual(["completed", "completed", "completed", "completed"]);
  });

  it("cancels what a story ending short never reached", () => {
    expect(statuses(story({ status: "SKIPPED", reviewState: "DISCARDED" }))).toEqual(["completed", "completed", "canceled", "canceled"]);
    expect(statuses(story({ status: "FAILED", reviewState: null, verdict: null }))).toEqual(["completed", "canceled", "canceled", "canceled"]);
  });

  it("a run without review has no approval step", () => {
    expect(planFor(story({ status: "SAVING", reviewState: null }), false, false).map((step) => step.content)).toEqual([
      "Read ENG-123, its epic and its sub-issues",
      "Generate subtasks with Claude",
      "Create the sub-issues",
    ]);
  });
});
