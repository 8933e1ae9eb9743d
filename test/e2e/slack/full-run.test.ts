// One /subtasks run through everything real: the server (createApp), PostgreSQL, the Linear
// adapter (GraphQL played by nock from test/fixtures/linear), the generation engine (Claude's
// Messages API played by nock, answer shaped like test/fixtures/anthropic) and Slack's Web API.
import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { fixture } from "../../unit/trackers/support/fixtures.ts";
import { data, graphqlOf, playLinear, type LinearApi } from "../../unit/trackers/support/linear-api.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { CHANNEL, sendCommand, slackEnv, SLACK_ACK_DEADLINE_MS } from "./support/slack-requests.ts";

const ANTHROPIC_URL = "https://anthropic.test";
const ANTHROPIC_KEY = "sk-ant-api03-test-key-0000";

const proposal = [
  { title: "Add the GET /orders/export endpoint", effort: "M", acceptanceCriteria: [1] },
  { title: "Write the CSV serializer with a dot decimal separator", effort: "S", acceptanceCriteria: [2] },
  { title: "Add the <Export> button & wire it up", effort: "S", acceptanceCriteria: [] },
];

/** Claude's answer for ENG-123: the fixture's envelope (usage, ids) around a fitting proposal. */
function claudeAnswer(): Record<string, unknown> {
  const message = JSON.parse(readFileSync(new URL("../../fixtures/anthropic/message-checkout-subtasks.json", import.meta.url), "utf8")) as Record<string, any>;
  const subtasks = proposal.map((subtask, index) => ({
    ...subtask,
    description: `Part ${index + 1} of the CSV export.\n\n**How to verify:** the export test for part ${index + 1} passes.`,
    dependsOn: index > 0 ? [index] : [],
  }));
  return { ...message, content: [{ type: "text", text: JSON.stringify({ verdict: "breakdown", reason: "Split by layer.", subtasks }) }] };
}

/** One issueRelationCreate's answer, for each alias of the LinkBlocks request. */
const relationCreated = fixture("linear/create-issue-relation.json").data.issueRelationCreate;

/** issueBatchCreate answers with the ids the adapter chose, numbered from ENG-130. */
function createdIssues(request: { body: unknown }) {
  const { input } = (graphqlOf(request as never).variables as { input: { issues: { id: string; title: string }[] } });
  return data({
    data: {
      issueBatchCreate: {
        success: true,
        issues: input.issues.map((issue, index) => ({
          id: issue.id,
          identifier: `ENG-${130 + index}`,
          title: issue.title,
          url: `https://linear.app/acme/issue/ENG-${130 + index}`,
        })),
      },
    },
  });
}

let app: TestApp | undefined;
let slack: PlayedSlack | undefined;
let linear: LinearApi | undefined;

afterEach(async () => {
  await stopStarted();
  linear?.stop();
  slack?.stop();
  nock.cleanAll();
  app = undefined;
});

describe("a /subtasks run on the real Linear and Claude clients", () => {
  it("acks in milliseconds, then threads the run: parent, one reply with links, final totals; every row recorded", async () => {
    slack = playSlack();
    linear = playLinear();
    const story = fixture("linear/story-ENG-123.json");
    story.data.issue.children.nodes = [];
    linear
      .graphql("ExpandIssue", data(fixture("linear/expand-ENG-123.json")))
      .graphql("Story", data(story))
      .graphql("CreateIssues", createdIssues)
      // ST2 waits for ST1, ST3 for ST2: one blocks relation each, both in one request.
      .graphql("LinkBlocks", data({ data: { l0: relationCreated, l1: relationCreated } }))
      .graphql("CreateComment", data(fixture("linear/create-comment.json")));
    const claudeRequests: unknown[] = [];
    nock(ANTHROPIC_URL)
      .matchHeader("authorization", `Bearer ${ANTHROPIC_KEY}`)
      .post("/v1/messages", (body) => {
        claudeRequests.push(body);
        return true;
      })
      .reply(200, claudeAnswer(), { "request-id": "req_011CQ9wZtXbLmN4pR7sVkE2d" });
    app = await startApp({
      env: slackEnv({ LINEAR_API_KEY: "lin_api_test_key", ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: ANTHROPIC_URL }),
    });

    const ack = await sendCommand(app.baseUrl, "<https://linear.app/acme/issue/ENG-123/export-orders-as-csv|ENG-123> --count 3-5");

    // The ack: one insert, no tracker, no model, no Slack call; well inside Slack's deadline
    // (its speed is a figure of npm run bench:ack, not a test).
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
    expect(ack.json).toEqual({
      response_type: "ephemeral",
      text: ":rocket: Starting *ENG-123*. Progress goes in a thread in this channel.",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: ":rocket: Starting *ENG-123*. Progress goes in a thread in this channel." } },
        { type: "context", elements: [{ type: "mrkdwn", text: expect.stringMatching(/^Run `c[a-z0-9]+`$/) }] },
      ],
    });
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");

    // The parent, posted after the ack, in the channel.
    const parent = slack.callsOf("chat.postMessage")[0]!;
    const parentTs = parent.result!.ts as string;
    expect(parent.args.channel).toBe(CHANNEL);
    expect(textOf(parent.args.blocks)).toContain("*Subtasks* for <https://linear.app/acme/issue/ENG-123/export-orders-as-csv|ENG-123> · asked by <@U0ALICE>");
    expect(textOf(parent.args.blocks)).toContain(":hourglass_flowing_sand: Looking up the stories");

    // The final update of the parent, in place.
    await waitFor(async () => slack!.callsOf("chat.update").some((call) => textOf(call.args.blocks).includes("Done")), 10_000, "the final update");
    const final = slack.callsOf("chat.update").at(-1)!;
    expect(final.args).toMatchObject({ channel: CHANNEL, ts: parentTs });
    const totals = textOf(final.args.blocks);
    expect(totals).toContain("`▰ 1/1`  :white_check_mark: Done · 1 done");
    expect(totals).toContain(":white_check_mark: *<https://linear.app/acme/issue/ENG-123/export-orders-as-csv|ENG-123>* Export orders as CSV · 3 subtasks created");
    expect(totals).toContain("*Created*\n3");
    expect(totals).toContain("*Deleted*\n0");
    expect(totals).toContain("*Failed*\n0 stories");
    expect(totals).toContain("*Tokens*\n5,144");
    expect(totals).toMatch(/\*Estimated cost\*\n\$0\.\d{4}/);
    expect(totals).toMatch(/\*Duration\*\n(\d+ ms|\d+s)/);

    // One reply in the thread: code, sub-issue link, title (escaped), effort.
    await waitFor(async () => slack!.repliesIn(parentTs).length === 1, 5_000, "the story's reply");
    const reply = slack.repliesIn(parentTs)[0]!;
    expect(reply.args.text).toBe("ENG-123: 3 subtasks created");
    const replyText = textOf(reply.args.blocks);
    expect(replyText).toContain("• `ST1` <https://linear.app/acme/issue/ENG-130|ENG-130> Add the GET /orders/export endpoint · *M*");
    expect(replyText).toContain("• `ST3` <https://linear.app/acme/issue/ENG-132|ENG-132> Add the &lt;Export&gt; button &amp; wire it up · *S*");
    expect(replyText).toContain("5,144 tokens");

    // The rows.
    const row = await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { runStories: true } });
    expect(row).toMatchObject({ status: "COMPLETED", slackChannel: CHANNEL, slackThreadTs: parentTs, storiesTotal: 1, storiesDone: 1, subtasksCreated: 3, tokensUsed: 5144 });
    expect(row.options).toMatchObject({ count: { min: 3, max: 5 } });
    expect(row.runStories[0]).toMatchObject({ status: "COMPLETED", subtasksCreated: 3, slackReplyTs: reply.result!.ts });
    const subtasks = await app.db.prisma.subtask.findMany({ where: { runId: run.id }, orderBy: { code: "asc" } });
    expect(subtasks.map((subtask) => [subtask.code, subtask.trackerKey, subtask.effort])).toEqual([
      ["ST1", "ENG-130", "M"],
      ["ST2", "ENG-131", "S"],
      ["ST3", "ENG-132", "S"],
    ]);

    // What the providers saw: Linear five operations, Claude one request, the story comment
    // with the thread's permalink.
    expect(linear.operations()).toEqual(["ExpandIssue", "Story", "CreateIssues", "LinkBlocks", "CreateComment"]);
    expect(claudeRequests).toHaveLength(1);
    expect(linear.variablesOf("CreateComment")[0]!.input.body).toContain(`[Discussion in Slack](https://acme.slack.test/archives/${CHANNEL}/p${parentTs.replace(".", "")})`);
    expect(linear.unexpected).toEqual([]);
    expect(slack.calls.map((call) => call.method).sort()).toEqual(
      ["auth.test", "chat.getPermalink", "chat.postMessage", "chat.postMessage", ...slack.callsOf("chat.update").map(() => "chat.update")].sort(),
    );
  });
});
