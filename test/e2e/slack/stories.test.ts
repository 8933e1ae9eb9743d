// Stories from an epic, end to end through Slack with Linear and Claude played by nock: the
// proposal waits in review in the thread, Create writes the stories under the epic, and "Break
// these into subtasks" starts a subtasks run on exactly those stories.
import { writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { EPIC_REFINE_CALLBACK_ID, REFINE_BLOCK_ID, REFINE_INPUT_ID } from "../../../src/slack/blocks/refine-modal.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { playClaude, storiesOf, type PlayedClaude } from "../../support/claude.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack, type SlackCall } from "./support/slack-api.ts";
import { CHANNEL, pressButton, REQUESTER, sendCommand, slackEnv, STRANGER, submitView } from "./support/slack-requests.ts";

const ANTHROPIC = "https://anthropic.test";

/** With EVIDENCE_DIR set, what Slack and Linear were sent is kept there for a person to read. */
async function keepEvidence(name: string, value: unknown): Promise<void> {
  if (process.env.EVIDENCE_DIR) await writeFile(`${process.env.EVIDENCE_DIR}/${name}`, JSON.stringify(value, null, 2));
}
const env = slackEnv({ LINEAR_API_KEY: "lin_api_test_key_123", ANTHROPIC_API_KEY: "sk-ant-api03-stories-test-0000", ANTHROPIC_BASE_URL: ANTHROPIC });

let slack: PlayedSlack;
let linear: LinearWorkspace;
let claude: PlayedClaude;

afterEach(async () => {
  await stopStarted();
  claude?.stop();
  slack?.stop();
  linear?.stop();
});

function workspace() {
  slack = playSlack();
  linear = new LinearWorkspace();
  linear.addIssue("ENG-100", {
    title: "One-page checkout",
    description: "Shoppers abandon carts on our four-step checkout. Make it one page: address, shipping, payment.",
    labels: ["Epic"],
  });
  const epic = linear.byKey("ENG-100");
  linear.addIssue("ENG-101", { title: "As a shopper I want to save my address so that I do not type it again", parentId: epic.id });
}

/** Starts `/subtasks stories …` and waits for the epic's reply with its buttons. */
async function storiesRun(app: TestApp, text = "stories ENG-100") {
  const ack = await sendCommand(app.baseUrl, text);
  expect(ack.status).toBe(200);
  const run = await app.db.prisma.run.findFirstOrThrow({ where: { type: "GENERATE_STORIES" }, orderBy: { createdAt: "desc" } });
  await waitFor(async () => {
    const parent = slack.callsOf("chat.postMessage")[0];
    return parent !== undefined && slack.repliesIn(parent.result!.ts).some((reply) => actionsOf(reply) !== undefined);
  }, 15_000, "the epic's proposal");
  const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
  const reply = slack.repliesIn(parentTs)[0]!;
  return { run, parentTs, reply, ack };
}

function actionsOf(reply: SlackCall): any {
  return (reply.args.blocks as any[]).find((block) => block.type === "actions");
}

function press(app: TestApp, reply: SlackCall, actionId: string, user = REQUESTER) {
  const actions = actionsOf(reply);
  const button = actions.elements.find((element: any) => element.action_id === actionId);
  return pressButton(app.baseUrl, { user, actionId, blockId: actions.block_id, value: button.value, channel: CHANNEL, messageTs: reply.result!.ts });
}

/** The latest state of a reply: its last chat.update, else the post. */
function latest(reply: SlackCall): SlackCall {
  return slack.callsOf("chat.update").filter((call) => call.args.ts === reply.result!.ts).at(-1) ?? reply;
}

describe("/subtasks stories", () => {
  it("proposes stories for review, creates them under the epic on Create, then breaks them into subtasks", async () => {
    workspace();
    claude = playClaude(ANTHROPIC);
    const app = await startApp({ env });
    const { run, reply, ack } = await storiesRun(app);
    expect(ack.json.text).toContain("Writing stories for *ENG-100* (review: you approve each epic's stories before anything is created)");

    // The model read the epic, its existing story (a person's) and the team's point scale.
    const prompt = claude.requests[0]!.messages[0]!.content;
    expect(prompt).toContain("Write the user stories of the epic ENG-100.");
    expect(prompt).toContain("- As a shopper I want to save my address so that I do not type it again (ENG-101, made by a person, Todo)");
    expect(claude.requests[0]!.output_config).toMatchObject({ format: { type: "json_schema" } });

    // The reply lists the stories with their criteria and points, and waits with four buttons.
    expect(reply.args.text).toBe("ENG-100: waiting for review");
    const shown = textOf(reply.args.blocks);
    expect(shown).toContain("`S1` *As a shopper I want slice 1 of ENG-100 so that I can check out faster*");
    expect(shown).toContain("◦ Given slice 1 is live, when a shopper uses it, then the order is placed");
    expect(actionsOf(reply).elements.map((e: any) => e.text.text)).toEqual(["Create", "Refine…", "Regenerate", "Discard"]);
    expect(actionsOf(reply).block_id).toBe(`epic-review:${run.id}`);
    expect(linear.childrenOf("ENG-100").map((issue) => issue.identifier)).toEqual(["ENG-101"]);
    await keepEvidence("review-reply.json", { text: reply.args.text, blocks: reply.args.blocks });

    // Someone else cannot decide.
    await press(app, reply, "epic_create", STRANGER);
    await waitFor(async () => slack.responses.some((r) => String(r.body.text).includes("can decide on ENG-100")), 5_000, "the refusal");

    await press(app, reply, "epic_create");
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    const created = linear.childrenOf("ENG-100").filter((issue) => issue.identifier !== "ENG-101");
    expect(created.map((issue) => issue.title)).toEqual(storiesOf("ENG-100", 3).stories.map((story) => story.title));
    expect(created[0]!.description).toContain("## Acceptance criteria");
    expect(created[0]!.description).toMatch(/Created by subtasks-bot · run \S+ · S1 · ref sb1-[0-9a-f]{8}/);
    const creates = linear.sent.filter((request) => request.operation === "CreateIssues" || request.operation === "CreateIssue");
    expect(creates).toHaveLength(1);
    expect(creates[0]!.variables.input.issues.map((issue: any) => [issue.parentId, issue.estimate])).toEqual([
      [linear.byKey("ENG-100").id, 1],
      [linear.byKey("ENG-100").id, 2],
      [linear.byKey("ENG-100").id, 3],
    ]);
    await keepEvidence("linear-create-stories.json", creates[0]);

    const stories = await app.db.prisma.story.findMany({ where: { generationRunId: run.id }, include: { epic: true }, orderBy: { code: "asc" } });
    expect(stories.map((story) => [story.code, story.epic?.key, story.generationModel])).toEqual([
      ["S1", "ENG-100", "claude-sonnet-5-5"],
      ["S2", "ENG-100", "claude-sonnet-5-5"],
      ["S3", "ENG-100", "claude-sonnet-5-5"],
    ]);
    const finished = await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(finished).toMatchObject({ status: "COMPLETED", epicsTotal: 1, epicsDone: 1, storiesCreated: 3 });
    expect(await app.db.prisma.runEpic.findFirstOrThrow({ where: { runId: run.id } })).toMatchObject({ status: "COMPLETED", reviewState: "APPROVED", storiesCreated: 3 });

    // The reply now links the stories and offers to break them down.
    await waitFor(async () => actionsOf(latest(reply))?.elements[0]?.action_id === "epic_chain_subtasks", 10_000, "the chain button");
    const withChain = latest(reply);
    await press(app, withChain, "epic_chain_subtasks");
    await waitFor(async () => (await app.db.prisma.runEpic.findFirstOrThrow({ where: { runId: run.id } })).chainedRunId !== null, 10_000, "the chained run");
    const chained = (await app.db.prisma.runEpic.findFirstOrThrow({ where: { runId: run.id } })).chainedRunId!;
    expect(await waitForRun(app.db, chained)).toBe("COMPLETED");
    const chainedRun = await app.db.prisma.run.findUniqueOrThrow({ where: { id: chained }, include: { runStories: { include: { story: true } } } });
    expect(chainedRun.type).toBe("GENERATE_SUBTASKS");
    expect(chainedRun.runStories.map((rs) => rs.story.key).sort()).toEqual(created.map((issue) => issue.identifier).sort());
    for (const story of created) expect(linear.childrenOf(story.identifier)).toHaveLength(3);
    // A second click starts nothing more.
    await press(app, withChain, "epic_chain_subtasks");
    await waitFor(async () => slack.responses.some((r) => String(r.body.text).includes(`already being broken down by run \`${chained}\``)), 5_000, "the answer to a second click");
    expect(await app.db.prisma.run.count({ where: { type: "GENERATE_SUBTASKS" } })).toBe(1);
    await waitFor(async () => textOf(latest(reply).args.blocks).includes(`Subtasks run \`${chained}\` is breaking these stories down`), 10_000, "the reply naming the chained run");
  });

  it("Refine… makes a new proposal from the one shown and the instruction, in the same reply", async () => {
    workspace();
    claude = playClaude(ANTHROPIC, { answer: (_request, n, key) => storiesOf(key, n === 0 ? 4 : 2) });
    const app = await startApp({ env });
    const { run, reply } = await storiesRun(app);
    await press(app, reply, "epic_refine");
    await waitFor(async () => slack.callsOf("views.open").length === 1, 5_000, "the modal");
    const modal = slack.callsOf("views.open")[0]!.args.view;
    expect(modal.callback_id).toBe(EPIC_REFINE_CALLBACK_ID);
    const submitted = await submitView(app.baseUrl, {
      user: REQUESTER,
      callbackId: EPIC_REFINE_CALLBACK_ID,
      privateMetadata: modal.private_metadata,
      values: { [REFINE_BLOCK_ID]: { [REFINE_INPUT_ID]: { type: "plain_text_input", value: "merge the small slices" } } },
    });
    expect(submitted.status).toBe(200);
    await waitFor(async () => claude.requests.length === 2, 15_000, "the refined generation");
    const refined = claude.requests[1]!.messages[0]!.content;
    expect(refined).toContain("<previous_plan>\n1. As a shopper I want slice 1 of ENG-100 so that I can check out faster (S1, 1 points)");
    expect(refined).toContain("<reviewer_instructions>\n1. merge the small slices\n</reviewer_instructions>");
    await waitFor(async () => textOf(latest(reply).args.blocks).includes("2 stories ·") && actionsOf(latest(reply)) !== undefined, 15_000, "the refined reply");
    expect(await app.db.prisma.runEpic.findFirstOrThrow({ where: { runId: run.id } })).toMatchObject({ status: "PENDING", reviewState: "AWAITING", instructions: ["merge the small slices"] });
    expect(linear.childrenOf("ENG-100")).toHaveLength(1);
  });

  it("--no-review creates at once; a regeneration replaces the bot's untouched stories and keeps one a person edited", async () => {
    workspace();
    claude = playClaude(ANTHROPIC);
    const app = await startApp({ env });
    await sendCommand(app.baseUrl, "stories ENG-100 --no-review");
    const first = await app.db.prisma.run.findFirstOrThrow({ where: { type: "GENERATE_STORIES" } });
    expect(await waitForRun(app.db, first.id)).toBe("COMPLETED");
    const made = linear.childrenOf("ENG-100").filter((issue) => issue.identifier !== "ENG-101");
    expect(made).toHaveLength(3);
    // A person rewrites S2.
    made[1]!.description = `We sharpened this story by hand after the kickoff.\n\n${made[1]!.description}`;

    await sendCommand(app.baseUrl, "stories ENG-100 --no-review");
    const second = await app.db.prisma.run.findFirstOrThrow({ where: { type: "GENERATE_STORIES", NOT: { id: first.id } } });
    expect(await waitForRun(app.db, second.id)).toBe("COMPLETED");
    const prompt = claude.requests[1]!.messages[0]!.content;
    expect(prompt).toContain(`${made[1]!.title} (${made[1]!.identifier}, made by you earlier as S2`);
    const now = linear.childrenOf("ENG-100").map((issue) => issue.identifier);
    expect(now).toContain("ENG-101");
    expect(now).toContain(made[1]!.identifier);
    expect(now).not.toContain(made[0]!.identifier);
    expect(now).not.toContain(made[2]!.identifier);
    // The answer repeats the kept story: it is dropped, never proposed again. The others are
    // numbered after the highest code the epic keeps (S2).
    const again = await app.db.prisma.story.findMany({ where: { generationRunId: second.id }, orderBy: { code: "asc" } });
    expect(again.map((story) => [story.code, story.title])).toEqual([
      ["S3", storiesOf("ENG-100", 3).stories[0]!.title],
      ["S4", storiesOf("ENG-100", 3).stories[2]!.title],
    ]);
    expect(linear.childrenOf("ENG-100").filter((issue) => issue.title === made[1]!.title)).toHaveLength(1);
    expect(await app.db.prisma.run.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ storiesCreated: 2, storiesDeleted: 2 });
  });

  it("a second stories run on an epic whose stories wait for review is skipped with the reason, and proposes nothing", async () => {
    workspace();
    claude = playClaude(ANTHROPIC);
    const app = await startApp({ env });
    const { run } = await storiesRun(app);
    await sendCommand(app.baseUrl, "stories ENG-100");
    const second = await app.db.prisma.run.findFirstOrThrow({ where: { type: "GENERATE_STORIES", NOT: { id: run.id } } });
    expect(await waitForRun(app.db, second.id)).toBe("COMPLETED");
    expect(await app.db.prisma.runEpic.findFirstOrThrow({ where: { runId: second.id } })).toMatchObject({
      status: "SKIPPED",
      errorMsg: `skipped: ENG-100 has stories waiting for review in run ${run.id}`,
    });
    expect(claude.requests).toHaveLength(1);
  });

  it("a reference that is not an epic gets a clear message", async () => {
    workspace();
    claude = playClaude(ANTHROPIC);
    linear.addIssue("ENG-7", { title: "Fix the typo on the receipt" });
    const app = await startApp({ env });
    await sendCommand(app.baseUrl, "stories ENG-7");
    const run = await app.db.prisma.run.findFirstOrThrow({ where: { type: "GENERATE_STORIES" } });
    expect(await waitForRun(app.db, run.id)).toBe("FAILED");
    expect((await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).errorMsg).toContain("ENG-7 is not an epic");
    await waitFor(async () => slack.callsOf("chat.update").some((call) => textOf(call.args.blocks).includes("ENG-7 is not an epic")), 10_000, "the message");
    expect(claude.requests).toHaveLength(0);
  });
});
