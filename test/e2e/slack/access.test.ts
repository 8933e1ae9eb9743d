// Who may run what, end to end on the real server: the access policy (ACCESS_POLICY) and linked
// identity (REQUIRE_LINKED_IDENTITY) with Slack's users.info, Linear's users and Jira's
// permission search played by nock. A refusal is ephemeral, names nothing of the story, records
// nothing, and is logged with who, what and why.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { JiraSite } from "../../support/jira-site.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { captureLogger, type CapturedLogger } from "../../support/logger.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { JIRA_BASE_URL } from "../../unit/trackers/support/jira-api.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { SETTINGS_CALLBACK_ID, SETTINGS_FIELDS, SETTINGS_OPEN_ACTION_ID } from "../../../src/slack/blocks/settings-modal.ts";
import { ADMIN, CHANNEL, openAppHome, pressButton, pressHomeButton, REQUESTER, sendCommand, slackEnv, submitView } from "./support/slack-requests.ts";

const OTHER_CHANNEL = "C0RANDOM";
const issueRef = (key: string) => ({ tracker: "linear" as const, key, kind: "issue" as const, input: key });

let slack: PlayedSlack | undefined;
let linear: LinearWorkspace | undefined;
let jira: JiraSite | undefined;

afterEach(async () => {
  await stopStarted();
  linear?.stop();
  jira?.stop();
  slack?.stop();
  linear = undefined;
  jira = undefined;
  slack = undefined;
});

function policyFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "access-")), "policy.yml");
  writeFileSync(path, text);
  return path;
}

async function start(env: Record<string, string>): Promise<{ app: TestApp; log: CapturedLogger }> {
  slack = playSlack();
  const log = captureLogger("info");
  const app = await startApp({ env: slackEnv(env), generator: new FakeGenerator(), logger: log.logger });
  return { app, log };
}

const refusals = (log: CapturedLogger) => log.lines().filter((line) => line.msg === "access refused");

describe("the access policy", () => {
  it("refuses a story of a team the channel may not show: ephemeral, naming nothing of it, nothing recorded, logged", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { title: "Secret acquisition plan" });
    const { app, log } = await start({ LINEAR_API_KEY: "lin_api_test", ACCESS_POLICY: policyFile(`channels:\n  ${CHANNEL}: { linear: [ENG] }\n`) });

    const ack = await sendCommand(app.baseUrl, "ENG-1", { channel_id: OTHER_CHANNEL });
    expect(ack.status).toBe(200);
    expect(ack.json).toEqual({
      response_type: "ephemeral",
      text: ":no_entry: This channel may not show stories from that team or project (the bot's access policy). Nothing was done. Try a channel meant for that team, or ask the bot's operator.",
      blocks: [expect.objectContaining({ type: "section" })],
    });
    expect(JSON.stringify(ack.json)).not.toMatch(/Secret|ENG/);
    expect(await app.db.prisma.run.count()).toBe(0);
    expect(slack!.callsOf("chat.postMessage")).toHaveLength(0);
    // Nothing was read from the tracker to refuse it.
    expect(linear.operations).toEqual([]);
    expect(refusals(log)).toEqual([expect.objectContaining({ userId: REQUESTER, channel: OTHER_CHANNEL, action: "run", items: ["linear:ENG-1"], reason: "channel" })]);

    // The same story in a channel the policy lists runs as before.
    const allowed = await sendCommand(app.baseUrl, "ENG-1");
    expect(allowed.json).toMatchObject({ text: expect.stringContaining(":rocket: Starting *ENG-1*") });
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
  });

  it("an epic's stories from a team the channel may not show are left out, counted and never named", async () => {
    const tracker = new FakeTracker();
    tracker.addEpic("ENG-100", ["ENG-1", "OPS-1", "ENG-2"]);
    tracker.stories.get("OPS-1")!.title = "Secret reorg";
    slack = playSlack();
    const app = await startApp({
      env: slackEnv({ LINEAR_API_KEY: "lin_api_test", ACCESS_POLICY: policyFile(`channels:\n  ${CHANNEL}: { linear: [ENG] }\n`) }),
      trackers: { linear: tracker },
      generator: new FakeGenerator(),
    });
    await sendCommand(app.baseUrl, "ENG-100");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    const stories = await app.db.prisma.runStory.findMany({ where: { runId: run.id }, include: { story: true } });
    expect(stories.map((story) => story.story.key).sort()).toEqual(["ENG-1", "ENG-2"]);
    expect((await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).errorMsg).toBe(
      "1 story was left out: not allowed in this channel, or not one you can open in the tracker",
    );
    expect(tracker.countCalls("getStory", "OPS-1")).toBe(0);
    await app.app.core.runs.idle();
    expect(JSON.stringify(slack.calls.map((call) => call.args))).not.toMatch(/OPS-1|Secret reorg/);
  });

  it("`status <run id>` of another channel's run is shown only where its stories may be", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1");
    const { app } = await start({ LINEAR_API_KEY: "lin_api_test", ACCESS_POLICY: policyFile(`channels:\n  ${CHANNEL}: { linear: [ENG] }\n`) });
    await sendCommand(app.baseUrl, "ENG-1");
    const run = await app.db.prisma.run.findFirstOrThrow();
    await waitForRun(app.db, run.id);
    const elsewhere = await sendCommand(app.baseUrl, `status ${run.id}`, { channel_id: OTHER_CHANNEL });
    expect(elsewhere.json.text).toMatch(/^:no_entry: This channel may not show/);
    const here = await sendCommand(app.baseUrl, `status ${run.id}`);
    expect(textOf(here.json.blocks)).toContain("ENG-1");
  });

  it("a label-started run posts in SLACK_DEFAULT_CHANNEL only when the policy lets that channel show its story", async () => {
    const tracker = new FakeTracker();
    tracker.addStory("ENG-1");
    tracker.addStory("OPS-1");
    slack = playSlack();
    const app = await startApp({
      env: slackEnv({ LINEAR_API_KEY: "lin_api_test", SLACK_DEFAULT_CHANNEL: CHANNEL, ACCESS_POLICY: policyFile(`channels:\n  ${CHANNEL}: { linear: [ENG] }\n`) }),
      trackers: { linear: tracker },
      generator: new FakeGenerator(),
    });
    const label = async (key: string) => {
      const { runId } = (await app.runs.startRun({ trigger: "TRACKER_LABEL", refs: [issueRef(key)], requestedBy: "linear-user" })) as { runId: string };
      expect(await waitForRun(app.db, runId)).toBe("COMPLETED");
      await app.app.core.runs.idle();
    };
    await label("OPS-1");
    // The run itself went ahead in the tracker; only Slack is kept out of it.
    expect(tracker.stories.get("OPS-1")!.children).toHaveLength(3);
    expect(slack.callsOf("chat.postMessage")).toHaveLength(0);
    await label("ENG-1");
    await waitFor(async () => slack!.callsOf("chat.postMessage").length > 0, 5_000, "the label run's message");
    expect(textOf(slack.callsOf("chat.postMessage")[0]!.args.blocks)).toContain("ENG-1");
    expect(JSON.stringify(slack.calls.map((call) => call.args))).not.toContain("OPS-1");
  });

  it("warns once at start when there is no policy", async () => {
    const { log } = await start({ LINEAR_API_KEY: "lin_api_test" });
    linear = new LinearWorkspace();
    expect(log.lines().filter((line) => String(line.msg).startsWith("no ACCESS_POLICY"))).toHaveLength(1);
  });
});

describe("linked identity (REQUIRE_LINKED_IDENTITY)", () => {
  it("Linear: a member of the story's team may run it; someone else is refused, and the answer is remembered", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { title: "Secret acquisition plan" });
    linear.members.set("alice@acme.test", ["ENG"]);
    linear.members.set("mallory@acme.test", ["OPS"]);
    const { app, log } = await start({ LINEAR_API_KEY: "lin_api_test", REQUIRE_LINKED_IDENTITY: "true" });
    slack!.emails.set(REQUESTER, "Alice@acme.test");
    slack!.emails.set("U0MALLORY", "mallory@acme.test");

    const refused = await sendCommand(app.baseUrl, "ENG-1", { user_id: "U0MALLORY", user_name: "mallory" });
    expect(refused.json.text).toBe(":no_entry: You can only use stories you could open yourself in the tracker, and your account there cannot open that one. Nothing was done.");
    expect(await app.db.prisma.run.count()).toBe(0);
    expect(refusals(log)).toEqual([expect.objectContaining({ userId: "U0MALLORY", action: "run", items: ["linear:ENG-1"], reason: "no-access" })]);

    const allowed = await sendCommand(app.baseUrl, "ENG-1");
    expect(allowed.json.text).toContain(":rocket: Starting *ENG-1*");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    // The resolver checked the run's story again: from memory, not from Linear.
    expect(linear.operations.filter((operation) => operation === "UserTeams")).toHaveLength(2);
    expect(slack!.callsOf("users.info").map((call) => call.args.user)).toEqual(["U0MALLORY", REQUESTER]);
  });

  it("a person whose Slack email matches no tracker user is told so", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1");
    const { app } = await start({ LINEAR_API_KEY: "lin_api_test", REQUIRE_LINKED_IDENTITY: "true" });
    const refused = await sendCommand(app.baseUrl, "ENG-1");
    expect(refused.json.text).toMatch(/^:no_entry: I could not match your Slack email to a user of the tracker/);
  });

  it("Jira: the person must hold Browse projects on the issue (user/permission/search)", async () => {
    jira = new JiraSite();
    const story = jira.addIssue({ summary: "Restricted payroll story" });
    jira.users.push({ accountId: "5b10a2844c20165700ede21g", email: "alice@acme.test", emailVisible: false, browses: true });
    jira.users.push({ accountId: "5b10ac8d82e05b22cc7d4ef5", email: "mallory@acme.test", emailVisible: true, browses: false });
    const { app } = await start({ JIRA_BASE_URL, JIRA_EMAIL: "bot@acme.example", JIRA_API_TOKEN: "jira-token", REQUIRE_LINKED_IDENTITY: "true" });
    slack!.emails.set(REQUESTER, "alice@acme.test");
    slack!.emails.set("U0MALLORY", "mallory@acme.test");

    const refused = await sendCommand(app.baseUrl, story.key, { user_id: "U0MALLORY", user_name: "mallory" });
    expect(refused.json.text).toMatch(/^:no_entry: You can only use stories you could open yourself/);
    const asked = jira.api.requests.filter((request) => request.path === "/rest/api/3/user/permission/search");
    expect(asked.map((request) => Object.fromEntries(request.query))).toEqual([{ accountId: "5b10ac8d82e05b22cc7d4ef5", permissions: "BROWSE_PROJECTS", issueKey: story.key }]);

    const allowed = await sendCommand(app.baseUrl, story.key);
    expect(allowed.json.text).toContain(`:rocket: Starting *${story.key}*`);
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
  });

  it("App Home lists only the runs on stories the person can still open", async () => {
    const tracker = new FakeTracker();
    tracker.addStory("ENG-1");
    tracker.addStory("OPS-1");
    tracker.members.set("alice@acme.test", new Set(["ENG", "OPS"]));
    slack = playSlack();
    slack.emails.set(REQUESTER, "alice@acme.test");
    const app = await startApp({ env: slackEnv({ LINEAR_API_KEY: "lin_api_test", REQUIRE_LINKED_IDENTITY: "true" }), trackers: { linear: tracker }, generator: new FakeGenerator() });
    for (const key of ["ENG-1", "OPS-1"]) {
      await sendCommand(app.baseUrl, key);
      const run = await app.db.prisma.run.findFirstOrThrow({ where: { refs: { has: key } } });
      await waitForRun(app.db, run.id);
    }
    // Alice leaves the OPS team. Answers are remembered for 5 minutes; a second process on the
    // same database has none remembered, and asks.
    tracker.members.set("alice@acme.test", new Set(["ENG"]));
    const restarted = await startApp({ env: slackEnv({ LINEAR_API_KEY: "lin_api_test", REQUIRE_LINKED_IDENTITY: "true" }), trackers: { linear: tracker }, generator: new FakeGenerator(), db: app.db });
    await openAppHome(restarted.baseUrl, REQUESTER);
    await waitFor(async () => slack!.callsOf("views.publish").length === 1, 5_000, "views.publish");
    const home = JSON.stringify(slack.callsOf("views.publish")[0]!.args.view);
    expect(home).toContain("ENG-1");
    expect(home).not.toContain("OPS-1");
  });

  it("Team settings list and save only the teams the person could open, even for an admin", async () => {
    linear = new LinearWorkspace();
    linear.members.set("alice@acme.test", ["ENG"]);
    const { app } = await start({ LINEAR_API_KEY: "lin_api_test", REQUIRE_LINKED_IDENTITY: "true" });
    slack!.admins.add(ADMIN);
    slack!.admins.add(REQUESTER);
    slack!.emails.set(ADMIN, "admin@acme.test");
    slack!.emails.set(REQUESTER, "alice@acme.test");
    const scopesShownTo = async (user: string) => {
      const before = slack!.callsOf("views.update").length;
      await pressHomeButton(app.baseUrl, { user, actionId: SETTINGS_OPEN_ACTION_ID, blockId: "settings", value: "open" });
      await waitFor(async () => slack!.callsOf("views.update").length === before + 1, 10_000, "the settings form");
      const form = slack!.callsOf("views.update")[before]!.args.view;
      return form.blocks[0].element.option_groups.flatMap((group: any) => group.options.map((option: any) => option.value));
    };
    expect(await scopesShownTo(REQUESTER)).toEqual(["*", "linear:ENG"]);
    expect(await scopesShownTo(ADMIN)).toEqual(["*"]);

    const saved = await submitView(app.baseUrl, {
      user: ADMIN,
      callbackId: SETTINGS_CALLBACK_ID,
      privateMetadata: "linear:ENG",
      values: { [SETTINGS_FIELDS.guidance]: { value: { type: "plain_text_input", value: "Ship it" } } },
    });
    expect(saved.text).toContain("You can only use stories you could open yourself in the tracker");
    expect(await app.db.prisma.teamSettings.count()).toBe(0);
  });

  it("a workspace admin who cannot open the story may not press its review buttons", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1");
    linear.members.set("alice@acme.test", ["ENG"]);
    const { app } = await start({ LINEAR_API_KEY: "lin_api_test", REQUIRE_LINKED_IDENTITY: "true" });
    slack!.emails.set(REQUESTER, "alice@acme.test");
    slack!.emails.set(ADMIN, "admin@acme.test");
    slack!.admins.add(ADMIN);
    await sendCommand(app.baseUrl, "ENG-1 --review");
    const run = await app.db.prisma.run.findFirstOrThrow();
    await waitFor(async () => (await app.db.prisma.runStory.findFirst({ where: { runId: run.id, reviewState: "AWAITING" } })) !== null, 10_000, "the proposal");
    const reviewReply = () => {
      const parentTs = slack!.callsOf("chat.postMessage")[0]?.result?.ts as string | undefined;
      return parentTs ? slack!.repliesIn(parentTs).find((call) => (call.args.blocks as any[]).some((block) => block.type === "actions")) : undefined;
    };
    await waitFor(async () => reviewReply() !== undefined, 5_000, "the review reply");
    const reply = reviewReply()!;
    const actions = (reply.args.blocks as any[]).find((block) => block.type === "actions");
    const create = actions.elements.find((element: any) => element.action_id === "review_create");

    await pressButton(app.baseUrl, { user: ADMIN, actionId: create.action_id, blockId: actions.block_id, value: create.value, channel: CHANNEL, messageTs: reply.result!.ts });
    await waitFor(async () => slack!.responses.length > 0, 5_000, "the refusal");
    expect(slack!.responses[0]!.body).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/^You can only use stories you could open yourself/) });
    expect((await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: run.id } })).reviewState).toBe("AWAITING");
  });
});
