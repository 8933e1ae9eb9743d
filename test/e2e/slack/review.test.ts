// --review end to end: proposals in the thread with Create / Regenerate / Discard, pressed as
// Slack sends block_actions (signed, form-encoded payload).
import { afterEach, describe, expect, it } from "vitest";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack, type SlackCall } from "./support/slack-api.ts";
import { ADMIN, CHANNEL, pressButton, REQUESTER, sendCommand, slackEnv, STRANGER } from "./support/slack-requests.ts";

let slack: PlayedSlack;
let tracker: FakeTracker;
let generator: FakeGenerator;
let db: TestDatabase | undefined;

afterEach(async () => {
  await stopStarted();
  await db?.destroy();
  db = undefined;
  slack.stop();
});

async function start(database?: TestDatabase): Promise<TestApp> {
  const app = await startApp({
    env: slackEnv({ LINEAR_API_KEY: "lin_api_test" }),
    trackers: { linear: tracker },
    generator,
    ...(database ? { db: database } : {}),
  });
  return app;
}

function setup() {
  slack = playSlack();
  tracker = new FakeTracker();
  generator = new FakeGenerator();
  for (const key of ["ENG-1", "ENG-2"]) tracker.addStory(key);
}

/** Starts a --review run and waits for every story's proposal to be in the thread. */
async function reviewRun(app: TestApp, stories: string[]) {
  await sendCommand(app.baseUrl, `${stories.join(" ")} --review`);
  const run = await app.db.prisma.run.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
  await waitFor(async () => {
    const posts = slack.callsOf("chat.postMessage");
    return posts.length > 0 && slack.repliesIn(posts[0]!.result!.ts).length === stories.length;
  }, 10_000, "the proposals");
  const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
  return { run, parentTs, replies: slack.repliesIn(parentTs) };
}

function buttons(reply: SlackCall) {
  const actions = (reply.args.blocks as any[]).find((block) => block.type === "actions");
  const by = (id: string) => actions.elements.find((element: any) => element.action_id === id);
  return { blockId: actions.block_id as string, create: by("review_create"), regenerate: by("review_regenerate"), discard: by("review_discard") };
}

function press(app: TestApp, reply: SlackCall, user: string, which: "create" | "regenerate" | "discard") {
  const b = buttons(reply);
  return pressButton(app.baseUrl, { user, actionId: b[which].action_id, blockId: b.blockId, value: b[which].value, channel: CHANNEL, messageTs: reply.result!.ts });
}

describe("review mode", () => {
  it("shows each story's proposal with Create, Regenerate and Discard, and creates nothing before a decision", async () => {
    setup();
    const app = await start();
    const { run, replies } = await reviewRun(app, ["ENG-1"]);
    const reply = replies[0]!;
    expect(reply.args.text).toBe("ENG-1: waiting for review");
    expect(textOf(reply.args.blocks)).toContain("• `ST1` ENG-1: step 1 · *S*");
    const b = buttons(reply);
    expect(b.blockId).toBe(`review:${run.id}`);
    await waitFor(async () => (await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: run.id } })).slackReplyTs !== null, 5_000, "the reply's ts");
    const story = await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: run.id } });
    expect([b.create, b.regenerate, b.discard].map((button) => [button.text.text, button.value])).toEqual([
      ["Create", story.id],
      ["Regenerate", story.id],
      ["Discard", story.id],
    ]);
    expect(b.discard.confirm).toBeDefined();
    expect(story).toMatchObject({ status: "PENDING", reviewState: "AWAITING", slackReplyTs: reply.result!.ts });
    expect(tracker.countCalls("createSubtasks")).toBe(0);
    await waitFor(async () => slack.callsOf("chat.update").some((call) => textOf(call.args.blocks).includes("Waiting for review")), 5_000, "the parent");
  });

  it("the requester's double click on Create creates the subtasks once; the second click hears it was decided", async () => {
    setup();
    const app = await start();
    const { run, replies } = await reviewRun(app, ["ENG-1"]);
    const [first, second] = await Promise.all([press(app, replies[0]!, REQUESTER, "create"), press(app, replies[0]!, REQUESTER, "create")]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");

    expect(tracker.countCalls("createSubtasks")).toBe(1);
    expect(tracker.stories.get("ENG-1")!.children).toHaveLength(3);
    await waitFor(async () => slack.responses.length === 1, 5_000, "the note to the second click");
    expect(slack.responses[0]!.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(slack.responses[0]!.body.text).toMatch(/^ENG-1 was already decided: it is /);

    // The reply is edited in place: the decision, then the created subtasks with their links.
    const replyTs = replies[0]!.result!.ts;
    await waitFor(
      async () => slack.callsOf("chat.update").some((call) => call.args.ts === replyTs && textOf(call.args.blocks).includes("3 subtasks created")),
      5_000,
      "the reply's final edit",
    );
    const edits = slack.callsOf("chat.update").filter((call) => call.args.ts === replyTs);
    expect(textOf(edits[0]!.args.blocks)).toContain(":white_check_mark: Create chosen by <@U0ALICE>");
    expect(edits.every((edit) => !(edit.args.blocks as any[]).some((block) => block.type === "actions"))).toBe(true);
    const child = tracker.stories.get("ENG-1")!.children[0]!;
    expect(textOf(edits.at(-1)!.args.blocks)).toContain(`<https://tracker.test/issue/${child.key}|${child.key}>`);
    expect(slack.repliesIn(slack.callsOf("chat.postMessage")[0]!.result!.ts)).toHaveLength(1);
  });

  it("refuses a stranger with an ephemeral note; a workspace admin may decide", async () => {
    setup();
    slack.admins.add(ADMIN);
    const app = await start();
    const { run, replies } = await reviewRun(app, ["ENG-1", "ENG-2"]);
    const eng1 = replies.find((reply) => reply.args.text.startsWith("ENG-1"))!;
    const eng2 = replies.find((reply) => reply.args.text.startsWith("ENG-2"))!;

    expect((await press(app, eng1, STRANGER, "create")).status).toBe(200);
    await waitFor(async () => slack.responses.length === 1, 5_000, "the refusal");
    expect(slack.responses[0]!.body).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
      text: "Only <@U0ALICE>, who started this run, or a workspace admin can decide on ENG-1.",
    });
    expect(slack.callsOf("users.info").map((call) => call.args.user)).toEqual([STRANGER]);
    const untouched = await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: run.id, story: { key: "ENG-1" } } });
    expect(untouched).toMatchObject({ status: "PENDING", reviewState: "AWAITING" });

    await press(app, eng1, ADMIN, "discard");
    await press(app, eng2, REQUESTER, "create");
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    const stories = await app.db.prisma.runStory.findMany({ where: { runId: run.id }, include: { story: true } });
    expect(Object.fromEntries(stories.map((story) => [story.story.key, [story.status, story.reviewState]]))).toEqual({
      "ENG-1": ["SKIPPED", "DISCARDED"],
      "ENG-2": ["COMPLETED", "APPROVED"],
    });
    expect(tracker.stories.get("ENG-1")!.children).toHaveLength(0);
    await waitFor(
      async () => {
        const last = slack.callsOf("chat.update").filter((call) => call.args.ts === eng1.result!.ts).at(-1);
        return last !== undefined && textOf(last.args.blocks).includes("Discarded in review") && textOf(last.args.blocks).includes(":wastebasket: Discard chosen");
      },
      5_000,
      "the discarded reply, with who decided (edits of the channel are paced)",
    );
    expect(textOf(slack.callsOf("chat.update").filter((call) => call.args.ts === eng1.result!.ts).at(-1)!.args.blocks)).toContain(
      ":wastebasket: Discard chosen by <@U0ADMIN>",
    );
  });

  it("Regenerate runs the story again and asks again", async () => {
    setup();
    const app = await start();
    const { run, replies } = await reviewRun(app, ["ENG-1"]);
    await press(app, replies[0]!, REQUESTER, "regenerate");
    await waitFor(async () => generator.callsFor("ENG-1") === 2, 10_000, "the second generation");
    await waitFor(
      async () => (await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: run.id } })).reviewState === "AWAITING",
      10_000,
      "the new proposal",
    );
    const replyTs = replies[0]!.result!.ts;
    await waitFor(
      async () =>
        slack.callsOf("chat.update").some((call) => call.args.ts === replyTs && (call.args.blocks as any[]).some((block) => block.type === "actions")),
      5_000,
      "the buttons again, on the same reply",
    );
    expect(slack.repliesIn(slack.callsOf("chat.postMessage")[0]!.result!.ts)).toHaveLength(1);
  });

  it("a restarted process edits the story's reply it finds on the row instead of posting it again", async () => {
    setup();
    db = await migratedTestDatabase();
    const first = await start(db);
    const { run, parentTs, replies } = await reviewRun(first, ["ENG-1"]);
    await first.stop();

    const second = await start(db);
    const postsBefore = slack.callsOf("chat.postMessage").length;
    await press(second, replies[0]!, REQUESTER, "create");
    expect(await waitForRun(db, run.id)).toBe("COMPLETED");
    await waitFor(
      async () => slack.callsOf("chat.update").some((call) => call.args.ts === parentTs && textOf(call.args.blocks).includes("Done")),
      5_000,
      "the parent's final update by the new process",
    );
    await waitFor(
      async () => slack.callsOf("chat.update").some((call) => call.args.ts === replies[0]!.result!.ts && textOf(call.args.blocks).includes("3 subtasks created")),
      5_000,
      "the reply's edit by the new process",
    );
    expect(slack.callsOf("chat.postMessage")).toHaveLength(postsBefore);
  });
});
