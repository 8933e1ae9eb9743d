// "No breakdown needed", end to end: a label run on a small story whose answer is no_breakdown
// ends SKIPPED with the reason, creates no sub-issue, comments the reason on the story, swaps
// the trigger label for the done label, and shows the reason in the Slack thread. Nock plays
// Linear, Claude and Slack.
import { afterEach, describe, expect, it } from "vitest";
import { startApp, stopStarted } from "../support/app.ts";
import { playClaude, type PlayedClaude } from "../support/claude.ts";
import { LinearWorkspace } from "../support/linear-workspace.ts";
import { waitFor, waitForRun } from "../support/runs.ts";
import { sendLinear, webhookFixture } from "../support/webhooks/deliveries.ts";
import { playSlack, textOf, type PlayedSlack } from "./slack/support/slack-api.ts";
import { slackEnv } from "./slack/support/slack-requests.ts";

const ANTHROPIC = "https://anthropic.test";
const SECRET = "lin_wh_no_breakdown_1a2b3c4d5e6f7a8b";
const REASON = "A one-line change to the export's default separator with its unit test, well under a day.";

let linear: LinearWorkspace;
let claude: PlayedClaude;
let slack: PlayedSlack;

afterEach(async () => {
  await stopStarted();
  claude.stop();
  linear.stop();
  slack.stop();
});

describe("a story that needs no breakdown", () => {
  it("ends SKIPPED with the reason: no sub-issue, the reason on the story and in the thread, and the done label", async () => {
    slack = playSlack();
    linear = new LinearWorkspace();
    const delivery = webhookFixture("linear/issue-label-added.json");
    linear.addIssue("ENG-123", { id: delivery.data.id, title: "Use a semicolon in the CSV export", labels: ["Feature", "ai:subtasks"] });
    claude = playClaude(ANTHROPIC, { answer: () => ({ verdict: "no_breakdown", reason: REASON, subtasks: [] }) });
    const app = await startApp({
      env: slackEnv({
        LINEAR_API_KEY: "lin_api_no_breakdown",
        LINEAR_WEBHOOK_SECRET: SECRET,
        ANTHROPIC_API_KEY: "sk-ant-api03-no-breakdown-0000",
        ANTHROPIC_BASE_URL: ANTHROPIC,
        SLACK_DEFAULT_CHANNEL: "C0DEFAULT",
      }),
    });

    const started = await sendLinear(app.baseUrl, delivery, { secret: SECRET });
    const runId = started.body.runId as string;
    expect(await waitForRun(app.db, runId)).toBe("COMPLETED");

    const runStory = await app.db.prisma.runStory.findFirstOrThrow({ where: { runId } });
    expect(runStory).toMatchObject({ status: "SKIPPED", subtasksCreated: 0, errorMsg: `no breakdown needed: ${REASON}` });
    expect(await app.db.prisma.subtask.count()).toBe(0);
    expect(linear.childrenOf("ENG-123")).toEqual([]);
    expect(linear.count("CreateIssues")).toBe(0);
    const story = linear.byKey("ENG-123");
    expect(story.comments).toHaveLength(1);
    expect(story.comments[0]).toContain(`found no breakdown needed (run \`${runId}\`): ${REASON}`);
    expect(story.comments[0]).toContain("`/subtasks ENG-123 --count 2-4`");
    expect([...story.labels].map((label) => label.toLowerCase()).sort()).toEqual(["feature", "subtasks:done"]);

    await waitFor(async () => slack.callsOf("chat.postMessage").some((call) => call.args.thread_ts && textOf(call.args.blocks).includes(REASON)), 10_000, "the story's reply");
    const reply = slack.callsOf("chat.postMessage").find((call) => call.args.thread_ts)!;
    expect(textOf(reply.args.blocks)).toContain(":ok_hand: *<https://linear.app/acme/issue/ENG-123|ENG-123>* Use a semicolon in the CSV export\nNo breakdown needed");
  });
});
