// POST /webhooks/jira on the real app and database, with signed real-shaped deliveries.
// Runs proceed with the in-memory tracker and generator (the end-to-end test uses the real ones).
import { afterEach, describe, expect, it } from "vitest";
import { signBody } from "../../../src/webhooks/signature.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitForRun } from "../../support/runs.ts";
import { refuseConnections } from "../../support/webhooks/database-outage.ts";
import { sendJira, webhookFixture } from "../../support/webhooks/deliveries.ts";

const SECRET = "jira-wh-9c1e5a7b3d2f4e6a8b0c1d2e3f4a5b6c";
const jiraEnv = { JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_EMAIL: "bot@acme.example", JIRA_API_TOKEN: "jira-token-123" };
const env = { ...jiraEnv, JIRA_WEBHOOK_SECRET: SECRET };

let app: TestApp | undefined;
let tracker: FakeTracker;

afterEach(async () => {
  await stopStarted();
  app = undefined;
});

async function start(options: { env?: Record<string, string> } = {}): Promise<TestApp> {
  tracker = new FakeTracker({ name: "jira" });
  tracker.addStory("PROJ-42", { title: "Refund a payment", labels: ["ai:subtasks", "payments"] });
  tracker.addStory("PROJ-57", { title: "Export refunds as CSV", labels: ["ai:subtasks"] });
  app = await startApp({ env: options.env ?? env, trackers: { jira: tracker }, generator: new FakeGenerator() });
  return app;
}

const labelAdded = () => webhookFixture("jira/issue-updated-label-added.json");

async function stored(current: TestApp) {
  const [runs, deliveries] = await Promise.all([current.db.prisma.run.findMany(), current.db.prisma.webhookDelivery.findMany()]);
  return { runs, deliveries };
}

describe("a Jira label starts a run", () => {
  it("adding the trigger label to a story starts one run, which ends with sub-tasks, a comment and the done label", async () => {
    const current = await start();
    const response = await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: "a1b2c3d4-0001" });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    const { runs, deliveries } = await stored(current);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "TRACKER_LABEL", refs: ["PROJ-42"], requestedBy: "5b10ac8d82e05b22cc7d4ef5", requestedByName: "Maya Fischer" });
    expect(deliveries).toEqual([expect.objectContaining({ provider: "JIRA", deliveryId: "a1b2c3d4-0001", event: "jira:issue_updated", runId: response.body.runId })]);

    expect(await waitForRun(current.db, response.body.runId)).toBe("COMPLETED");
    const story = tracker.stories.get("PROJ-42")!;
    expect(story.children).toHaveLength(3);
    expect(story.comments).toHaveLength(1);
    expect([...story.labels].sort()).toEqual(["payments", "subtasks:done"]);
  });

  it("an issue created with the trigger label starts a run", async () => {
    const current = await start();
    const response = await sendJira(current.baseUrl, webhookFixture("jira/issue-created-with-label.json"), { secret: SECRET });

    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    expect((await stored(current)).runs.map((run) => run.refs)).toEqual([["PROJ-57"]]);
    expect(await waitForRun(current.db, response.body.runId)).toBe("COMPLETED");
  });

  it("the label on an epic starts a run on the epic, which the run breaks into its stories", async () => {
    const current = await start();
    tracker.addEpic("PROJ-1", ["PROJ-2", "PROJ-3"], "Refunds");
    const response = await sendJira(current.baseUrl, webhookFixture("jira/epic-updated-label-added.json"), { secret: SECRET });

    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    expect((await stored(current)).runs.map((run) => run.refs)).toEqual([["PROJ-1"]]);
    expect(await waitForRun(current.db, response.body.runId)).toBe("COMPLETED");
    expect(tracker.stories.get("PROJ-2")!.children).toHaveLength(3);
    expect(tracker.stories.get("PROJ-3")!.children).toHaveLength(3);
    const run = await current.db.prisma.run.findUniqueOrThrow({ where: { id: response.body.runId } });
    expect(run).toMatchObject({ storiesTotal: 2, storiesDone: 2 });
  });
});

describe("a Jira delivery starts at most one run", () => {
  it("a repeated Jira delivery starts one run", async () => {
    const current = await start();
    const timestamp = Date.now();
    const first = await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: "a1b2c3d4-0002", timestamp });
    // Jira's retry: the same identifier and the same body, with the retry count.
    const retry = await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: "a1b2c3d4-0002", timestamp, retry: 1 });

    expect(first.body.status).toBe("started");
    expect(retry.body).toEqual({ status: "duplicate", runId: first.body.runId });
    const { runs, deliveries } = await stored(current);
    expect(runs).toHaveLength(1);
    expect(deliveries).toHaveLength(1);
  });

  it("two Jira deliveries of the same label change arriving at once start one run", async () => {
    const current = await start();
    const timestamp = Date.now();
    const answers = await Promise.all(
      [0, 1].map(() => sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: "a1b2c3d4-0003", timestamp })),
    );

    expect(answers.map((answer) => answer.body.status).sort()).toEqual(["duplicate", "started"]);
    expect(answers[0]!.body.runId).toBe(answers[1]!.body.runId);
    expect((await stored(current)).runs).toHaveLength(1);
  });

  it("without X-Atlassian-Webhook-Identifier a repeated Jira delivery is known by its body and starts one run", async () => {
    const current = await start();
    const timestamp = Date.now();
    const answers = [
      await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: null, timestamp }),
      await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: null, timestamp }),
    ];

    expect(answers.map((answer) => answer.body.status)).toEqual(["started", "duplicate"]);
    const { runs, deliveries } = await stored(current);
    expect(runs).toHaveLength(1);
    expect(deliveries[0]?.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("Jira deliveries that start nothing", () => {
  it("removing the trigger label, or changing another field, starts nothing", async () => {
    const current = await start();
    const removed = await sendJira(current.baseUrl, webhookFixture("jira/issue-updated-label-removed.json"), { secret: SECRET });
    const renamed = await sendJira(current.baseUrl, webhookFixture("jira/issue-updated-summary-changed.json"), { secret: SECRET });

    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ status: "ignored", reason: "the label ai:subtasks was not added to PROJ-42" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ status: "ignored", reason: "the labels of PROJ-42 did not change" });
    expect(await stored(current)).toEqual({ runs: [], deliveries: [] });
  });

  it("the bot's own sub-tasks and other events are ignored", async () => {
    const current = await start();
    const subTask = await sendJira(current.baseUrl, webhookFixture("jira/sub-task-created.json"), { secret: SECRET });
    const comment = await sendJira(current.baseUrl, webhookFixture("jira/comment-created.json"), { secret: SECRET });

    expect(subTask.body).toEqual({ status: "ignored", reason: "PROJ-60 is a sub-task created by subtasks-bot" });
    expect(comment.body).toEqual({ status: "ignored", reason: "Jira comment_created events do not start runs" });
    expect(await stored(current)).toEqual({ runs: [], deliveries: [] });
  });
});

describe("Jira deliveries that are refused", () => {
  it("a forged, stale, missing or non-sha256 signature is refused with 401 and nothing is stored", async () => {
    const current = await start();
    const send = (options: Omit<Parameters<typeof sendJira>[2], "secret"> & { secret?: string }) =>
      sendJira(current.baseUrl, labelAdded(), { secret: SECRET, ...options });
    const body = JSON.stringify({ ...labelAdded(), timestamp: Date.now() });
    const cases = {
      forged: await send({ secret: "not-the-secret" }),
      missing: await send({ signature: null }),
      bareHex: await send({ rawBody: body, signature: signBody(body, SECRET) }),
      sha1: await send({ rawBody: body, signature: `sha1=${signBody(body, SECRET)}` }),
      stale: await send({ timestamp: Date.now() - 61 * 60_000 }),
      future: await send({ timestamp: Date.now() + 6 * 60_000 }),
    };

    expect(Object.fromEntries(Object.entries(cases).map(([name, answer]) => [name, [answer.status, answer.body.error]]))).toEqual({
      forged: [401, "invalid_signature"],
      missing: [401, "missing_signature"],
      bareHex: [401, "invalid_signature"],
      sha1: [401, "invalid_signature"],
      stale: [401, "stale_delivery"],
      future: [401, "stale_delivery"],
    });
    expect(await stored(current)).toEqual({ runs: [], deliveries: [] });
  });

  it("a Jira retry half an hour after the event is still accepted", async () => {
    const current = await start();
    const response = await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, timestamp: Date.now() - 30 * 60_000, retry: 3 });
    expect(response.body.status).toBe("started");
  });

  it("without JIRA_WEBHOOK_SECRET every Jira delivery is refused with 401", async () => {
    const current = await start({ env: jiraEnv });
    const response = await sendJira(current.baseUrl, labelAdded(), { secret: "anything" });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: "webhook_secret_unset",
      message: "JIRA_WEBHOOK_SECRET is not set on this bot, so Jira deliveries are refused",
    });
    expect(await stored(current)).toEqual({ runs: [], deliveries: [] });
  });

  it("a signed body that is not JSON, or lacks what a delivery needs, is 400", async () => {
    const current = await start();
    const withoutKey = labelAdded();
    delete withoutKey.issue.key;
    const badLabels = labelAdded();
    badLabels.issue.fields.labels = "ai:subtasks";
    const send = (options: Omit<Parameters<typeof sendJira>[2], "secret">, payload: Record<string, unknown> = labelAdded()) =>
      sendJira(current.baseUrl, payload, { secret: SECRET, ...options });
    const cases = {
      notJson: await send({ rawBody: "<xml/>" }),
      noKey: await send({}, withoutKey),
      labelsNotAList: await send({}, badLabels),
      noTimestamp: await send({ rawBody: JSON.stringify({ ...labelAdded(), timestamp: "yesterday" }) }),
      noEvent: await send({ rawBody: JSON.stringify({ timestamp: Date.now() }) }),
      badIdentifier: await send({ identifier: "has spaces in it" }),
    };

    expect(Object.fromEntries(Object.entries(cases).map(([name, answer]) => [name, answer.status]))).toEqual({
      notJson: 400,
      noKey: 400,
      labelsNotAList: 400,
      noTimestamp: 400,
      noEvent: 400,
      badIdentifier: 400,
    });
    expect(cases.noKey.body).toEqual({ error: "invalid_payload", message: "not a Jira webhook delivery: issue.key: Invalid input: expected string, received undefined" });
    expect(await stored(current)).toEqual({ runs: [], deliveries: [] });
  });

  it("a body over 1 MB is refused with 413", async () => {
    const current = await start();
    const payload = labelAdded();
    payload.issue.fields.description = "x".repeat(1024 * 1024);
    const response = await sendJira(current.baseUrl, payload, { secret: SECRET });

    expect(response.status).toBe(413);
    expect((await stored(current)).runs).toEqual([]);
  });
});

describe("a Jira delivery while the database is down", () => {
  it("is answered 503 with Retry-After and stored nowhere, and Jira's retry starts the run once the database is back", async () => {
    const current = await start();
    const timestamp = Date.now();
    const outage = await refuseConnections(current.db);
    let during;
    try {
      during = await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: "a1b2c3d4-0004", timestamp });
    } finally {
      await outage.end();
    }

    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toBe("30");
    expect(await stored(current)).toEqual({ runs: [], deliveries: [] });

    const retry = await sendJira(current.baseUrl, labelAdded(), { secret: SECRET, identifier: "a1b2c3d4-0004", timestamp, retry: 1 });
    expect(retry.body).toEqual({ status: "started", runId: expect.any(String) });
    expect(await waitForRun(current.db, retry.body.runId)).toBe("COMPLETED");
  });
});
