// The bot as a Linear agent, end to end on the real server: agent session events signed as Linear
// signs them reach /webhooks/linear, the run goes through the real queue, the real Linear adapter
// (nock plays Linear's GraphQL API, agent API included) and the real engine (nock plays Claude),
// and the session gets exactly the activities and plans asserted here, even across a kill -9.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { activityId } from "../../../src/linear-agent/agent-api.ts";
import { parseConfig } from "../../../src/config/config.ts";
import { STOPPED_REASON } from "../../../src/runs/process-story.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import type { Tracker } from "../../../src/trackers/types.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { FIRST, REFINED } from "../../support/reset-password-answers.ts";
import { playClaude, type ClaudeScript, type PlayedClaude } from "../../support/claude.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { silentLogger } from "../../support/logger.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { sendLinear, webhookFixture } from "../../support/webhooks/deliveries.ts";
import { fixture } from "../../unit/trackers/support/fixtures.ts";
import { playSlack } from "../slack/support/slack-api.ts";
import { CHANNEL, slackEnv } from "../slack/support/slack-requests.ts";
import { agentEnv, ANTHROPIC, API_KEY, APP_TOKEN, install, ISSUE_ID, sendCreated, sendPrompted, SESSION, WORKSPACE_SECRET } from "./support.ts";

let linear: LinearWorkspace;
let claude: PlayedClaude | undefined;

afterEach(async () => {
  await stopStarted();
  claude?.stop();
  claude = undefined;
  linear.stop();
});

/** The bot installed in a workspace with ENG-1; Claude played with `script` (null: the test plays it). */
async function agentApp(script: ClaudeScript | null = { answer: () => FIRST }): Promise<TestApp> {
  linear = new LinearWorkspace();
  linear.addIssue("ENG-1", { id: ISSUE_ID, title: "Reset a forgotten password", description: "As a user I want to reset my password by email." });
  if (script) claude = playClaude(ANTHROPIC, script);
  const app = await startApp({ env: agentEnv() });
  await install(app);
  return app;
}

const activities = () => linear.activitiesOf(SESSION);
const typesOf = () => activities().map((activity) => activity.content.type);
const elicitations = () => activities().filter((activity) => activity.content.type === "elicitation");
const lastPlanStatuses = () => linear.plansOf(SESSION).at(-1)?.map((step) => step.status);

async function awaitProposal(count = 1): Promise<void> {
  await waitFor(async () => elicitations().length >= count, 15_000, `proposal ${count}`);
}

describe("a story delegated to the bot in Linear", () => {
  it("answers at once, thinks within 10 s, shows its plan and proposal, and on Create makes the sub-issues and answers with them, once", async () => {
    const app = await agentApp();
    const sentAt = Date.now();
    const response = await sendCreated(app);
    expect(response.status).toBe(200);
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    const runId = response.body.runId as string;
    const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

    await waitFor(async () => activities().length > 0, 10_000, "the first activity");
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(activities()[0]).toEqual({
      id: activityId(`${SESSION}:reading`),
      agentSessionId: SESSION,
      content: {
        type: "thought",
        body: "Reading ENG-1, its epic and its existing sub-issues. I am subtasks-bot, an agent: I propose subtasks and create nothing until you approve.",
      },
    });

    await awaitProposal();
    const runStory = await app.db.prisma.runStory.findFirstOrThrow({ where: { runId } });
    const [proposal] = elicitations();
    expect(proposal).toEqual({
      id: activityId(`${runStory.id}:proposal:0`),
      agentSessionId: SESSION,
      content: {
        type: "elicitation",
        body: [
          "Proposed subtasks for ENG-1 (3 subtasks · about 1 day):",
          "",
          "- **ST1** Add the password reset tokens table with its migration · M",
          "- **ST2** Send the reset email · S",
          "- **ST3** Show the reset form · S",
          "",
          "Why: Schema, API and screen.",
          "",
          "Choose **Create** to create them as sub-issues, or **Discard**. To change them, reply with what to change (for example “backend only” or “split the migration out”).",
        ].join("\n"),
      },
      signal: "select",
      signalMetadata: { options: [{ label: "Create", value: "create" }, { label: "Discard", value: "discard" }] },
    });
    expect(lastPlanStatuses()).toEqual(["completed", "completed", "inProgress", "pending"]);
    expect(linear.plansOf(SESSION).at(-1)!.map((step) => step.content)).toEqual([
      "Read ENG-1, its epic and its sub-issues",
      "Generate subtasks with Claude",
      "Wait for your approval",
      "Create the sub-issues",
    ]);
    expect(linear.childrenOf("ENG-1")).toEqual([]);

    const created = await sendPrompted(app, "create");
    expect(created.body).toEqual({ status: "accepted", runId });
    expect(await waitForRun(app.db, runId)).toBe("COMPLETED");
    await waitFor(async () => typesOf().includes("response"), 10_000, "the response");

    const subIssues = linear.childrenOf("ENG-1");
    expect(subIssues.map((issue) => issue.title).sort()).toEqual(FIRST.subtasks.map((s) => s.title).sort());
    expect(typesOf()).toEqual(["thought", "action", "action", "elicitation", "action", "action", "response"]);
    expect(activities().filter((activity) => activity.content.type === "action").map((activity) => activity.content)).toEqual([
      { type: "action", action: "Generating subtasks", parameter: "ENG-1" },
      { type: "action", action: "Generated subtasks", parameter: "ENG-1", result: expect.stringMatching(/^3 subtasks proposed · [\d,]+ tokens · \$\d+\.\d{4}$/) },
      { type: "action", action: "Creating sub-issues", parameter: "3 sub-issues of ENG-1" },
      { type: "action", action: "Created sub-issues", parameter: "ENG-1", result: "3 sub-issues created" },
    ]);
    const answer = activities().at(-1)!.content.body as string;
    expect(answer).toContain("Created 3 sub-issues of ENG-1");
    for (const issue of subIssues) expect(answer).toContain(`https://linear.app/acme/issue/${issue.identifier}`);
    expect(lastPlanStatuses()).toEqual(["completed", "completed", "completed", "completed"]);
    // Ids as AgentActivityCreateInput takes them: UUID v4, one per step.
    expect(activities().every((activity) => uuidV4.test(activity.id))).toBe(true);
    // Every agent call goes out with the app's token; the sub-issues are written with the API key.
    expect(new Set(linear.agentCalls.map((call) => call.authorization))).toEqual(new Set([`Bearer ${APP_TOKEN}`]));

    // A repeated "create" (Linear sends each prompt once; a person may type it twice) creates nothing more.
    const again = await sendPrompted(app, "Create");
    expect(again.body).toEqual({ status: "accepted", runId });
    await waitFor(async () => typesOf().length === 8, 10_000, "the answer to the second create");
    expect(activities().at(-1)!.content).toEqual({ type: "thought", body: "This plan is already decided; delegate the story again for a new one." });
    expect(linear.childrenOf("ENG-1")).toHaveLength(3);
    expect(linear.count("CreateIssues")).toBe(1);

    const run = await app.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ trigger: "LINEAR_AGENT", linearAgentSessionId: SESSION, requestedByName: "Maya Fischer", storiesDone: 1, subtasksCreated: 3 });
    expect(linear.unanswered).toEqual([]);
    expect(API_KEY).not.toBe(APP_TOKEN);
  }, 60_000);

  it("a reply with other text refines the proposal: Claude gets the instruction and the previous plan, and a new proposal is shown", async () => {
    const app = await agentApp({ answer: (_request, n) => (n === 0 ? FIRST : REFINED) });
    const { body } = await sendCreated(app);
    await awaitProposal();

    const refine = await sendPrompted(app, "split the migration out");
    expect(refine.body).toEqual({ status: "accepted", runId: body.runId });
    await awaitProposal(2);

    expect(claude!.requests).toHaveLength(2);
    const second = JSON.stringify(claude!.requests[1]!.messages);
    expect(second).toContain("split the migration out");
    expect(second).toContain("Add the password reset tokens table with its migration");
    const [, refined] = elicitations();
    const runStory = await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: body.runId } });
    expect(refined!.id).toBe(activityId(`${runStory.id}:proposal:1`));
    expect(refined!.content.body).toContain("- **ST1** Add the password reset tokens migration · S");
    expect(activities().some((activity) => activity.content.type === "action" && activity.content.parameter === "ENG-1 with “split the migration out”")).toBe(true);
    expect(runStory.instructions).toEqual(["split the migration out"]);

    await sendPrompted(app, "Create");
    expect(await waitForRun(app.db, body.runId)).toBe("COMPLETED");
    expect(linear.childrenOf("ENG-1").map((issue) => issue.title).sort()).toEqual(REFINED.subtasks.map((s) => s.title).sort());
  }, 60_000);

  it("the comment that mentioned the bot is its first instruction", async () => {
    const app = await agentApp();
    await sendCreated(app, { comment: "@subtasks backend only, no UI work" });
    await awaitProposal();
    const prompt = JSON.stringify(claude!.requests[0]!.messages);
    expect(prompt).toContain("backend only, no UI work");
    expect(prompt).not.toContain("@subtasks");
  }, 60_000);

  it("Discard ends the story skipped with a response, and nothing is created", async () => {
    const app = await agentApp();
    const { body } = await sendCreated(app);
    await awaitProposal();
    await sendPrompted(app, "discard");
    expect(await waitForRun(app.db, body.runId)).toBe("COMPLETED");
    await waitFor(async () => typesOf().includes("response"), 10_000, "the response");
    expect(activities().at(-1)!.content).toEqual({ type: "response", body: "Discarded. Nothing was created for ENG-1." });
    expect(lastPlanStatuses()).toEqual(["completed", "completed", "canceled", "canceled"]);
    expect(await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: body.runId } })).toMatchObject({ status: "SKIPPED", reviewState: "DISCARDED" });
    expect(linear.childrenOf("ENG-1")).toEqual([]);
  }, 60_000);
});

describe("stop", () => {
  it("on a proposal waiting for approval: nothing is created and the session is answered", async () => {
    const app = await agentApp();
    const { body } = await sendCreated(app);
    await awaitProposal();
    const stop = await sendPrompted(app, "Stop", { signal: "stop" });
    expect(stop.body).toEqual({ status: "accepted", runId: body.runId });
    expect(await waitForRun(app.db, body.runId)).toBe("COMPLETED");
    await waitFor(async () => typesOf().includes("response"), 10_000, "the response");
    expect(activities().at(-1)!.content).toEqual({ type: "response", body: "Stopped. Nothing more was created for ENG-1." });
    expect(await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: body.runId } })).toMatchObject({ status: "SKIPPED", errorMsg: STOPPED_REASON });
    expect(linear.childrenOf("ENG-1")).toEqual([]);
    expect(linear.count("CreateIssues")).toBe(0);
  }, 60_000);

  it("while the model is still answering: the story halts when it answers, shows no proposal and creates nothing", async () => {
    const app = await agentApp({ answer: () => FIRST, delayMs: 2_000 });
    const { body } = await sendCreated(app);
    await waitFor(async () => (await app.db.prisma.runStory.findFirst({ where: { runId: body.runId, status: "GENERATING" } })) !== null, 15_000, "generation");
    await sendPrompted(app, "Stop", { signal: "stop" });
    expect(await waitForRun(app.db, body.runId)).toBe("COMPLETED");
    await waitFor(async () => typesOf().includes("response"), 10_000, "the response");
    expect(typesOf()).toEqual(["thought", "action", "response"]);
    expect(activities().at(-1)!.content).toEqual({ type: "response", body: "Stopped. Nothing more was created for ENG-1." });
    expect(lastPlanStatuses()).toEqual(["completed", "canceled", "canceled", "canceled"]);
    expect(linear.count("CreateIssues")).toBe(0);
  }, 60_000);
});

describe("stop before any work", () => {
  it("on a run whose story is not read yet (a process that only answers HTTP): it ends with the reason and nothing is read or generated", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { id: ISSUE_ID, title: "Reset a forgotten password" });
    claude = playClaude(ANTHROPIC, { answer: () => FIRST });
    const app = await startApp({ env: agentEnv(), work: false });
    await install(app);
    const { body } = await sendCreated(app);
    const stop = await sendPrompted(app, "Stop", { signal: "stop" });
    expect(stop.body).toEqual({ status: "accepted", runId: body.runId });
    await waitFor(async () => typesOf().includes("response"), 10_000, "the response");
    expect(activities().at(-1)!.content).toEqual({ type: "response", body: "Stopped before any story was read. Nothing was created." });
    expect(await app.db.prisma.run.findUniqueOrThrow({ where: { id: body.runId } })).toMatchObject({ status: "FAILED", errorMsg: STOPPED_REASON });
    expect(linear.operations.filter((operation) => !operation.startsWith("Agent"))).toEqual([]);
    expect(claude.requests).toEqual([]);
  }, 60_000);
});

describe("what the webhook route accepts", () => {
  it("a forged or stale event is refused with 401 and nothing is recorded", async () => {
    const app = await agentApp();
    const forged = await sendCreated(app, { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    const stale = await sendCreated(app, { timestamp: Date.now() - 5 * 60_000 });
    expect(stale.status).toBe(401);
    expect(await app.db.prisma.webhookDelivery.count()).toBe(0);
    expect(await app.db.prisma.run.count()).toBe(0);
    expect(linear.agentCalls).toEqual([]);
  });

  it("without the agent configured, a signed agent session event is answered ignored and starts nothing", async () => {
    linear = new LinearWorkspace();
    const app = await startApp({ env: { LINEAR_API_KEY: API_KEY, LINEAR_WEBHOOK_SECRET: WORKSPACE_SECRET } });
    const response = await sendCreated(app, { secret: WORKSPACE_SECRET });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ignored", reason: "the Linear agent is off on this bot (LINEAR_CLIENT_ID is not set)" });
    expect(await app.db.prisma.run.count()).toBe(0);
    // The OAuth routes are not mounted either.
    expect((await fetch(`${app.baseUrl}/linear/install`, { redirect: "manual" })).status).toBe(404);
  });

  it("a repeated delivery starts one run and thinks once; the workspace webhook's secret is accepted too", async () => {
    const app = await agentApp();
    const first = await sendCreated(app, { deliveryId: "5d1f3b5e-9c2a-4e7f-8b1d-0a2c4e6f8a0b", secret: WORKSPACE_SECRET });
    const again = await sendCreated(app, { deliveryId: "5d1f3b5e-9c2a-4e7f-8b1d-0a2c4e6f8a0b" });
    expect(first.body).toEqual({ status: "started", runId: expect.any(String) });
    expect(again.body).toEqual({ status: "duplicate", runId: first.body.runId });
    await awaitProposal();
    expect(await app.db.prisma.run.count()).toBe(1);
    expect(typesOf().filter((type) => type === "thought")).toHaveLength(1);
  }, 60_000);

  it("an epic is not broken down here: the session is answered with what the bot can do", async () => {
    const app = await agentApp();
    const epic = linear.addIssue("ENG-10", { title: "Accounts", labels: ["Epic"] });
    linear.addIssue("ENG-11", { parentId: epic.id });
    const { body } = await sendCreated(app, { issue: { id: epic.id, identifier: "ENG-10" } });
    expect(await waitForRun(app.db, body.runId)).toBe("FAILED");
    await waitFor(async () => typesOf().includes("response"), 10_000, "the response");
    expect(activities().at(-1)!.content).toEqual({
      type: "response",
      body: [
        "I cannot plan this: ENG-10 is an epic (1 story); this run plans the subtasks of one story.",
        "",
        "I break one story down into subtasks. Delegate a story to me or mention me on it; to break down every story of an epic, add the label `ai:subtasks` to the epic.",
      ].join("\n"),
    });
    expect(claude!.requests).toEqual([]);
  }, 60_000);
});

describe("the session and the rest of the bot", () => {
  it("a model failure ends in an error activity with a plain reason; the run story keeps the detail", async () => {
    const app = await agentApp(null);
    nock(ANTHROPIC).post("/v1/messages").reply(401, fixture("anthropic/error-authentication.json"), { "request-id": "req_011CQ9wZtXbLmN4pR7sVkE2d" });
    const { body } = await sendCreated(app);
    expect(await waitForRun(app.db, body.runId)).toBe("FAILED");
    await waitFor(async () => typesOf().includes("error"), 10_000, "the error");
    const error = activities().at(-1)!.content;
    expect(error.type).toBe("error");
    expect(error.body).toBe("I could not finish ENG-1: Anthropic rejected the request: invalid x-api-key. Check ANTHROPIC\\_API\\_KEY.");
    const runStory = await app.db.prisma.runStory.findFirstOrThrow({ where: { runId: body.runId } });
    expect(runStory.status).toBe("FAILED");
    expect(runStory.errorMsg).toContain("HTTP 401, request req_011CQ9wZtXbLmN4pR7sVkE2d");
    expect(lastPlanStatuses()).toEqual(["completed", "canceled", "canceled", "canceled"]);
  }, 60_000);

  it("a label run on a Linear story opens a session on it and reports there, without an approval step", async () => {
    const app = await agentApp({ subtasksPerStory: 2 });
    linear.addIssue("ENG-123", { id: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d", title: "Export orders as CSV", labels: ["Feature", "ai:subtasks"] });
    const response = await sendLinear(app.baseUrl, webhookFixture("linear/issue-label-added.json"), { secret: WORKSPACE_SECRET });
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    expect(await waitForRun(app.db, response.body.runId)).toBe("COMPLETED");

    const opened = linear.agentCalls.filter((call) => call.operation === "AgentSessionCreateOnIssue");
    expect(opened.map((call) => call.variables)).toEqual([{ input: { issueId: "ENG-123" } }]);
    const run = await app.db.prisma.run.findUniqueOrThrow({ where: { id: response.body.runId } });
    const session = run.linearAgentSessionId!;
    expect(session).toMatch(/^session-/);
    await waitFor(async () => linear.activitiesOf(session).some((activity) => activity.content.type === "response"), 10_000, "the response");
    expect(linear.activitiesOf(session).map((activity) => activity.content.type)).toEqual(["action", "action", "action", "response"]);
    expect(linear.plansOf(session).at(-1)).toEqual([
      { content: "Read ENG-123, its epic and its sub-issues", status: "completed" },
      { content: "Generate subtasks with Claude", status: "completed" },
      { content: "Create the sub-issues", status: "completed" },
    ]);
  }, 60_000);

  it("with SLACK_DEFAULT_CHANNEL the run is summarised in Slack and the session links to the thread", async () => {
    const slack = playSlack();
    try {
      linear = new LinearWorkspace();
      linear.addIssue("ENG-1", { id: ISSUE_ID, title: "Reset a forgotten password" });
      claude = playClaude(ANTHROPIC, { answer: () => FIRST });
      const app = await startApp({ env: agentEnv(slackEnv({ SLACK_DEFAULT_CHANNEL: CHANNEL })) });
      await install(app);
      await sendCreated(app);
      await awaitProposal();
      const parent = slack.callsOf("chat.postMessage").find((call) => !call.args.thread_ts)!;
      expect(parent.args.channel).toBe(CHANNEL);
      await waitFor(async () => linear.agentCalls.some((call) => call.operation === "AgentSessionUpdate" && call.variables.input.externalUrls), 10_000, "the link");
      const linked = linear.agentCalls.find((call) => call.operation === "AgentSessionUpdate" && call.variables.input.externalUrls)!;
      expect(linked.variables.input.externalUrls).toEqual([
        { label: "Slack thread", url: `https://acme.slack.test/archives/${CHANNEL}/p${String(parent.result!.ts).replace(".", "")}` },
      ]);
    } finally {
      // The bot first: its last Slack updates (the run's final state) still need Slack answering.
      await stopStarted();
      slack.stop();
    }
  }, 60_000);
});

// kill -9 between the approval and the creation: the first bot process asks Linear for the
// sub-issues, Linear makes them, and the process never hears back (it is stopped without a
// goodbye); a second process on the same database resumes the story. Each process has its own
// API key, so the played workspace knows which one died.
/** Long enough that the killed process's requests never time out and retry while the test runs. */
const NEVER_MS = 10 * 60_000;

function linearTracker(apiKey: string, requestTimeoutMs?: number): Tracker {
  const config = parseConfig(agentEnv({ LINEAR_API_KEY: apiKey })).trackers.linear!;
  return createLinearTracker({ config, logger: silentLogger, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
}

describe("a bot process killed between approval and creation", () => {
  it("another process resumes the story: the sub-issues exist once, the session says it resumed, and no activity is repeated", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { id: ISSUE_ID, title: "Reset a forgotten password" });
    claude = playClaude(ANTHROPIC, { subtasksPerStory: 3 });
    linear.dieAfter("CreateIssues", "lin_api_first");
    const first = await startApp({ env: agentEnv({ LINEAR_API_KEY: "lin_api_first" }), trackers: { linear: linearTracker("lin_api_first", NEVER_MS) } });
    await install(first);
    const { body } = await sendCreated(first);
    await waitFor(async () => linear.activitiesOf(SESSION).some((activity) => activity.content.type === "elicitation"), 15_000, "the proposal");

    await sendPrompted(first, "create");
    await waitFor(async () => linear.died, 20_000, "the first process to die");
    await first.core.stop({ graceful: false });
    expect(linear.childrenOf("ENG-1")).toHaveLength(3);
    expect(await first.db.prisma.runStory.findFirstOrThrow({ where: { runId: body.runId } })).toMatchObject({ status: "SAVING" });

    const second = await startApp({ env: agentEnv({ LINEAR_API_KEY: "lin_api_second" }), db: first.db, trackers: { linear: linearTracker("lin_api_second") } });
    expect(await waitForRun(second.db, body.runId, undefined, 60_000)).toBe("COMPLETED");
    await waitFor(async () => linear.activitiesOf(SESSION).some((activity) => activity.content.type === "response"), 10_000, "the response");

    expect(linear.childrenOf("ENG-1")).toHaveLength(3);
    expect(linear.byKey("ENG-1").comments).toHaveLength(1);
    expect(claude.requests).toHaveLength(1);
    const sent = linear.activitiesOf(SESSION);
    expect(sent.map((activity) => activity.content.type)).toEqual(["thought", "action", "action", "elicitation", "action", "thought", "action", "response"]);
    expect(sent[5]!.content.body).toBe("Resumed work on ENG-1 where it stopped; nothing done before is repeated.");
    expect(sent.at(-1)!.content.body).toContain("Created 3 sub-issues of ENG-1");
    // Each activity was asked for once: the successor did not repeat what the dead process said.
    expect(linear.agentCalls.filter((call) => call.operation === "AgentActivityCreate")).toHaveLength(sent.length);
  }, 120_000);
});
