import { describe, expect, it } from "vitest";
import { queuedRunSummary } from "../../../src/runs/progress.ts";
import type { RunSummary, StoryProgress } from "../../../src/runs/types.ts";
import { helpMessage, postFailedMessage, problemsMessage } from "../../../src/slack/blocks/command-replies.ts";
import { progressBar } from "../../../src/slack/blocks/format.ts";
import { homeView } from "../../../src/slack/blocks/home.ts";
import type { SlackMessage } from "../../../src/slack/blocks/message.ts";
import { runMessage } from "../../../src/slack/blocks/run-message.ts";
import { storyReply } from "../../../src/slack/blocks/story-reply.ts";

const run = (over: Partial<RunSummary> = {}): RunSummary => ({
  ...queuedRunSummary(
    "cmwvwv6en000qla7dobbqezj2",
    {
      trigger: "SLASH_COMMAND",
      refs: [{ tracker: "linear", key: "ENG-100", kind: "issue", input: "ENG-100" }],
      requestedBy: "U0ALICE",
      requestedByName: "alice",
      slack: { channel: "C0RUNS", threadTs: "1767000001.000100" },
    },
    new Date("2026-05-04T10:00:00Z"),
  ),
  status: "RUNNING",
  ...over,
});

const story = (n: number, over: Partial<StoryProgress> = {}): StoryProgress => ({
  runId: "cmwvwv6en000qla7dobbqezj2",
  runStoryId: `rs${n}`,
  storyKey: `ENG-${n}`,
  storyTitle: `Story ${n}`,
  storyUrl: `https://linear.app/acme/issue/ENG-${n}`,
  tracker: "LINEAR",
  status: "COMPLETED",
  reviewState: null,
  subtasks: [1, 2, 3].map((i) => ({ code: `ST${i}`, title: `Step ${i}`, effort: "M", url: `https://linear.app/acme/issue/ENG-${n * 10 + i}`, key: `ENG-${n * 10 + i}` })),
  subtasksCreated: 3,
  subtasksDeleted: 0,
  verdict: "breakdown",
  reason: "Split by layer.",
  storyEstimate: null,
  instructions: [],
  tokensUsed: 2400,
  costUsd: 0.0056,
  durationMs: 12_300,
  errorMsg: null,
  retryCount: 0,
  slackReplyTs: null,
  ...over,
});

/** Every limit Block Kit enforces on what we build. */
function expectWithinLimits(content: SlackMessage | { blocks: readonly unknown[] }, maxBlocks = 50) {
  expect(content.blocks.length).toBeLessThanOrEqual(maxBlocks);
  if ("text" in content) expect(content.text.length).toBeLessThanOrEqual(3000);
  for (const block of content.blocks as any[]) {
    if (block.type === "section" && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
    if (block.type === "context") {
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const element of block.elements) expect(element.text.length).toBeLessThanOrEqual(3000);
    }
    if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === "actions") {
      expect(block.block_id.length).toBeLessThanOrEqual(255);
      for (const button of block.elements) {
        expect(button.text.text.length).toBeLessThanOrEqual(75);
        expect(button.value.length).toBeLessThanOrEqual(2000);
      }
    }
  }
}

const everything = (content: { blocks: unknown[] }) => JSON.stringify(content.blocks);

describe("the parent message", () => {
  it("shows who asked, the stories, a progress bar and the status while running", () => {
    const stories = [story(1), story(2, { status: "FAILED", subtasks: [], subtasksCreated: 0, errorMsg: "Linear refused" }), story(3, { status: "GENERATING", subtasks: [] })];
    const content = runMessage({ run: run({ refs: ["ENG-1", "ENG-2", "ENG-3"] }), stories });
    expect(content.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "*Subtasks* for `ENG-1`, `ENG-2`, `ENG-3` · asked by <@U0ALICE>" } },
      { type: "section", text: { type: "mrkdwn", text: "`▰▰▱ 2/3`  :arrows_counterclockwise: Working · 1 done · 1 failed" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: [
            ":white_check_mark: *<https://linear.app/acme/issue/ENG-1|ENG-1>* Story 1 · 3 subtasks created",
            ":x: *<https://linear.app/acme/issue/ENG-2|ENG-2>* Story 2 · failed",
            ":hourglass_flowing_sand: *<https://linear.app/acme/issue/ENG-3|ENG-3>* Story 3 · generating subtasks",
          ].join("\n"),
        },
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "Run `cmwvwv6en000qla7dobbqezj2` · replies per story in the thread" }] },
    ]);
    expect(content.text).toBe("Subtasks: 2/3 stories · Working");
  });

  it("ends with the totals: created, deleted, failed, tokens, estimated cost, duration", () => {
    const content = runMessage({
      run: run({ status: "PARTIAL", subtasksCreated: 12, subtasksDeleted: 2, tokensUsed: 12_400, costUsd: 0.0421, durationMs: 133_000, completedAt: new Date() }),
      stories: [story(1), story(2, { status: "FAILED", subtasks: [], subtasksCreated: 0 })],
    });
    expect(content.blocks.at(-2)).toEqual({
      type: "section",
      fields: [
        { type: "mrkdwn", text: "*Created*\n12" },
        { type: "mrkdwn", text: "*Deleted*\n2" },
        { type: "mrkdwn", text: "*Failed*\n1 story" },
        { type: "mrkdwn", text: "*Tokens*\n12,400" },
        { type: "mrkdwn", text: "*Estimated cost*\n$0.0421" },
        { type: "mrkdwn", text: "*Duration*\n2m 13s" },
      ],
    });
    expect(everything(content)).toContain(":warning: Done, some stories failed");
  });

  it("stays within Block Kit limits for 500 stories with long, hostile titles", () => {
    const stories = Array.from({ length: 500 }, (_, i) => story(i + 1, { storyTitle: `<!channel> ${"x".repeat(400)} & more` }));
    const content = runMessage({ run: run({ refs: Array.from({ length: 40 }, (_, i) => `https://linear.app/acme/issue/ENG-${i}`), errorMsg: "y".repeat(5000) }), stories });
    expectWithinLimits(content);
    expect(everything(content)).not.toContain("<!channel>");
    expect(everything(content)).toContain(" and 30 more · asked by");
    expect(JSON.stringify(content).length).toBeLessThan(12_000);
    expect(everything(content)).toMatch(/… and \d+ more stories: each has its reply in the thread/);
  });

  it("draws the bar with one segment per story up to ten", () => {
    expect(progressBar(3, 5)).toBe("▰▰▰▱▱ 3/5");
    expect(progressBar(0, 1)).toBe("▱ 0/1");
    expect(progressBar(60, 200)).toBe("▰▰▰▱▱▱▱▱▱▱ 60/200");
    expect(progressBar(200, 200)).toBe("▰▰▰▰▰▰▰▰▰▰ 200/200");
  });

  it("says once, for all its stories, that the tracker could not link their dependencies", () => {
    const note = 'This Jira site has no "Blocks" issue link type, so the dependencies between sub-tasks are only in their descriptions.';
    const content = runMessage({ run: run({ status: "COMPLETED" }), stories: [story(1, { linksUnavailable: note }), story(2, { linksUnavailable: note }), story(3)] });
    expect(everything(content).split("no \\\"Blocks\\\" issue link type").length - 1).toBe(1);
    expect(content.blocks).toContainEqual({ type: "context", elements: [{ type: "mrkdwn", text: `:link: ${note}` }] });
    expect(everything(runMessage({ run: run({ status: "COMPLETED" }), stories: [story(1), story(2)] }))).not.toContain(":link:");
    expectWithinLimits(content);
  });
});

describe("a story's reply", () => {
  it("lists the subtasks with code, link to the sub-issue, title and effort", () => {
    const content = storyReply(run(), story(7, { subtasks: [{ code: "ST1", title: "Add <Export> & test", effort: "S", url: "https://linear.app/acme/issue/ENG-71", key: "ENG-71" }], subtasksCreated: 1 }));
    expect(content.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: ":white_check_mark: *<https://linear.app/acme/issue/ENG-7|ENG-7>* Story 7\n1 subtask created" } },
      { type: "section", text: { type: "mrkdwn", text: "• `ST1` <https://linear.app/acme/issue/ENG-71|ENG-71> Add &lt;Export&gt; &amp; test · *S*" } },
      { type: "context", elements: [{ type: "mrkdwn", text: "1 subtask · about 2 hours" }] },
      { type: "context", elements: [{ type: "mrkdwn", text: "2,400 tokens · $0.0056 est. · 12s" }] },
    ]);
  });

  it("shows the error of a failed story, escaped, with how to try again", () => {
    const content = storyReply(run(), story(8, { status: "FAILED", subtasks: [], subtasksCreated: 0, errorMsg: "Linear has no issue ENG-8 <@U1>", retryCount: 2 }));
    expect(everything(content)).toContain("> Linear has no issue ENG-8 &lt;@U1&gt;");
    expect(everything(content)).toContain("Try it again with `/subtasks ENG-8`.");
    expect(everything(content)).toContain("2 retries");
  });

  it("in review, shows the proposal with Create, Refine…, Regenerate and Discard carrying the run story id", () => {
    const content = storyReply(run({ options: { review: true } }), story(9, { status: "PENDING", reviewState: "AWAITING", subtasksCreated: 0 }));
    const actions = content.blocks.find((block) => block.type === "actions") as any;
    expect(actions.block_id).toBe("review:cmwvwv6en000qla7dobbqezj2");
    expect(actions.elements.map((button: any) => [button.action_id, button.text.text, button.value, button.style])).toEqual([
      ["review_create", "Create", "rs9", "primary"],
      ["review_refine", "Refine…", "rs9", undefined],
      ["review_regenerate", "Regenerate", "rs9", undefined],
      ["review_discard", "Discard", "rs9", "danger"],
    ]);
    expect(everything(content)).toContain("Only <@U0ALICE> or a workspace admin can decide.");
  });

  it("stays within limits with 15 subtasks of 2,000-character titles and a huge error", () => {
    const subtasks = Array.from({ length: 15 }, (_, i) => ({ code: `ST${i + 1}`, title: "t".repeat(2000), effort: "XL", url: null, key: null }));
    expectWithinLimits(storyReply(run({ options: { review: true } }), story(1, { status: "PENDING", reviewState: "AWAITING", subtasks })));
    expectWithinLimits(storyReply(run(), story(1, { status: "FAILED", errorMsg: "e".repeat(10_000) })));
  });
});

describe("other messages", () => {
  it("help, problems and post failures are within limits and escape what people typed", () => {
    expectWithinLimits(helpMessage("/subtasks", ["linear"]));
    const problems = problemsMessage("/subtasks", Array.from({ length: 30 }, () => '"<!here>" is not an issue key or a link.'));
    expectWithinLimits(problems);
    expect(JSON.stringify(problems)).not.toContain("<!here>");
    expect(postFailedMessage("C0RUNS", "cm1", "channel_not_found").text).toContain("Invite me with `/invite @subtasks`");
  });

  it("App Home lists recent runs within the view's 100 blocks", () => {
    const runs = Array.from({ length: 150 }, (_, i) => run({ runId: `cm${i}`, status: "COMPLETED", completedAt: new Date(), storiesTotal: 2, subtasksCreated: 6 }));
    const view = homeView({ runs, threadUrls: new Map([["cm0", "https://acme.slack.com/archives/C0RUNS/p1"]]), now: new Date("2026-05-04T10:05:00Z") });
    expectWithinLimits(view, 100);
    expect(everything(view)).toContain("`ENG-100` · :white_check_mark: done · 2 stories · 6 subtasks created · 5 min ago · <https://acme.slack.com/archives/C0RUNS/p1|thread>");
  });
});
