// Refine… in review, end to end on the real server: the button opens a modal, its submission
// makes a new proposal from the story, the previous proposal and the instruction (the request
// Claude gets carries both), the reply is updated in place and still waits, and Create then
// creates the refined set in Linear. Nock plays Slack, Linear and Claude.
import { afterEach, describe, expect, it } from "vitest";
import { REFINE_BLOCK_ID, REFINE_CALLBACK_ID, REFINE_INPUT_ID } from "../../../src/slack/blocks/refine-modal.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { FIRST, REFINED } from "../../support/reset-password-answers.ts";
import { playClaude, type PlayedClaude } from "../../support/claude.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { CHANNEL, pressButton, REQUESTER, sendCommand, slackEnv, STRANGER, submitView } from "./support/slack-requests.ts";

const ANTHROPIC = "https://anthropic.test";
const env = slackEnv({ LINEAR_API_KEY: "lin_api_test_key_123", ANTHROPIC_API_KEY: "sk-ant-api03-refine-test-0000", ANTHROPIC_BASE_URL: ANTHROPIC });

let slack: PlayedSlack;
let linear: LinearWorkspace;
let claude: PlayedClaude;

afterEach(async () => {
  await stopStarted();
  claude.stop();
  linear.stop();
  slack.stop();
});

/** Starts a --review run on ENG-1 and waits for its proposal in the thread. */
async function reviewRun(app: TestApp) {
  await sendCommand(app.baseUrl, "ENG-1 --review");
  const run = await app.db.prisma.run.findFirstOrThrow();
  await waitFor(async () => slack.callsOf("chat.postMessage").some((call) => call.args.thread_ts && (call.args.blocks ?? []).some((b: any) => b.type === "actions")), 15_000, "the proposal");
  const reply = slack.callsOf("chat.postMessage").find((call) => call.args.thread_ts)!;
  const actions = reply.args.blocks.find((block: any) => block.type === "actions");
  const refine = actions.elements.find((button: any) => button.action_id === "review_refine");
  return { run, reply, actions, runStoryId: refine.value as string };
}

describe("Refine… on a story in review", () => {
  it("opens a modal, regenerates from the previous proposal and the instruction, updates the reply in place, and Create creates the refined set", async () => {
    slack = playSlack();
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { title: "Reset a forgotten password", description: "As a user I want to reset my password by email." });
    claude = playClaude(ANTHROPIC, { answer: (_request, n) => (n === 0 ? FIRST : REFINED) });
    const app = await startApp({ env });
    const { run, reply, actions, runStoryId } = await reviewRun(app);

    const opened = await pressButton(app.baseUrl, { user: REQUESTER, actionId: "review_refine", blockId: actions.block_id, value: runStoryId, channel: CHANNEL, messageTs: reply.result!.ts });
    expect(opened.status).toBe(200);
    await waitFor(async () => slack.callsOf("views.open").length === 1, 5_000, "the modal");
    const modal = slack.callsOf("views.open")[0]!.args.view;
    expect(modal).toMatchObject({ type: "modal", callback_id: REFINE_CALLBACK_ID, private_metadata: JSON.stringify({ runId: run.id, runStoryId }) });
    expect(modal.blocks[1]).toMatchObject({ type: "input", block_id: REFINE_BLOCK_ID, element: { type: "plain_text_input", action_id: REFINE_INPUT_ID, multiline: true, max_length: 1000 } });

    const submitted = await submitView(app.baseUrl, {
      user: REQUESTER,
      callbackId: REFINE_CALLBACK_ID,
      privateMetadata: modal.private_metadata,
      values: { [REFINE_BLOCK_ID]: { [REFINE_INPUT_ID]: { type: "plain_text_input", value: "split the migration out" } } },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe("");

    // The second request edits the first proposal: it carries the plan and the instruction as data.
    await waitFor(async () => claude.requests.length === 2, 15_000, "the refined generation");
    const refinedPrompt = claude.requests[1]!.messages[0]!.content;
    expect(refinedPrompt).toContain("<previous_plan>\n1. Add the password reset tokens table with its migration (ST1, M)");
    expect(refinedPrompt).toContain("<reviewer_instructions>\n1. split the migration out\n</reviewer_instructions>");
    expect(refinedPrompt).toContain("Now answer with the complete revised plan for this story");
    expect(claude.requests[1]!.system[0]!.text).not.toContain("split the migration out");

    // The same reply, edited: the refined proposal, still waiting, with the buttons again.
    await waitFor(
      async () => slack.callsOf("chat.update").some((call) => call.args.ts === reply.result!.ts && textOf(call.args.blocks).includes("Create and check reset tokens") && call.args.blocks.some((b: any) => b.type === "actions")),
      15_000,
      "the refined reply",
    );
    expect(slack.repliesIn(run.slackThreadTs ?? slack.callsOf("chat.postMessage")[0]!.result!.ts)).toHaveLength(1);
    const waiting = await app.db.prisma.runStory.findUniqueOrThrow({ where: { id: runStoryId } });
    expect(waiting).toMatchObject({ status: "PENDING", reviewState: "AWAITING", instructions: ["split the migration out"] });

    await pressButton(app.baseUrl, { user: REQUESTER, actionId: "review_create", blockId: actions.block_id, value: runStoryId, channel: CHANNEL, messageTs: reply.result!.ts });
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    expect(linear.childrenOf("ENG-1").map((issue) => issue.title)).toEqual(REFINED.subtasks.map((s) => s.title));
    expect(claude.requests).toHaveLength(2);
  });

  it("is refused to someone who neither started the run nor is an admin, and nothing changes", async () => {
    slack = playSlack();
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { title: "Reset a forgotten password" });
    claude = playClaude(ANTHROPIC, { answer: () => FIRST });
    const app = await startApp({ env });
    const { run, reply, actions, runStoryId } = await reviewRun(app);

    await pressButton(app.baseUrl, { user: STRANGER, actionId: "review_refine", blockId: actions.block_id, value: runStoryId, channel: CHANNEL, messageTs: reply.result!.ts });
    await waitFor(async () => slack.responses.length === 1, 5_000, "the refusal");
    expect(slack.responses[0]!.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(slack.responses[0]!.body.text).toContain("Only <@U0ALICE>, who started this run, or a workspace admin can refine ENG-1");
    expect(slack.callsOf("views.open")).toHaveLength(0);

    // A forged submission from the same person is refused too.
    const forged = await submitView(app.baseUrl, {
      user: STRANGER,
      callbackId: REFINE_CALLBACK_ID,
      privateMetadata: JSON.stringify({ runId: run.id, runStoryId }),
      values: { [REFINE_BLOCK_ID]: { [REFINE_INPUT_ID]: { type: "plain_text_input", value: "delete everything" } } },
    });
    expect(JSON.parse(forged.text)).toEqual({ response_action: "errors", errors: { [REFINE_BLOCK_ID]: "Only the person who started this run or a workspace admin can refine it." } });
    const story = await app.db.prisma.runStory.findUniqueOrThrow({ where: { id: runStoryId } });
    expect(story).toMatchObject({ status: "PENDING", reviewState: "AWAITING", instructions: [] });
    expect(claude.requests).toHaveLength(1);
  });
});
