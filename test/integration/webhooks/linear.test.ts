// POST /webhooks/linear on the real app and database, with signed real-shaped deliveries.
// Runs proceed with the in-memory tracker and generator (the end-to-end test uses the real ones).
import { afterEach, describe, expect, it } from "vitest";
import { signBody } from "../../../src/webhooks/signature.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitForRun } from "../../support/runs.ts";
import { refuseConnections } from "../../support/webhooks/database-outage.ts";
import { sendLinear, webhookFixture } from "../../support/webhooks/deliveries.ts";

const SECRET = "lin_wh_4f8c2e1a9b7d6c5e3f2a1b0c9d8e7f6a";
const env = { LINEAR_API_KEY: "lin_api_test_key_123", LINEAR_WEBHOOK_SECRET: SECRET };

let tracker: FakeTracker;

afterEach(async () => {
  await stopStarted();
});

async function start(options: { env?: Record<string, string>; db?: TestApp["db"] } = {}): Promise<TestApp> {
  tracker = new FakeTracker({ name: "linear" });
  tracker.addStory("ENG-123", { title: "Export orders as CSV", labels: ["Feature", "ai:subtasks"] });
  tracker.addStory("ENG-140", { title: "Import price lists from CSV", labels: ["ai:subtasks"] });
  const app = await startApp({ env: options.env ?? env, trackers: { linear: tracker }, generator: new FakeGenerator(), ...(options.db ? { db: options.db } : {}) });
  return app;
}

const labelAdded = () => webhookFixture("linear/issue-label-added.json");

async function stored(app: TestApp) {
  const [runs, deliveries] = await Promise.all([app.db.prisma.run.findMany(), app.db.prisma.webhookDelivery.findMany()]);
  return { runs, deliveries };
}

describe("a Linear label starts a run", () => {
  it("adding the trigger label to an issue starts one run, which ends with subtasks, a comment and the done label", async () => {
    const app = await start();
    const response = await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId: "8e2c4a60-1f3b-4d5e-9a7c-6b8d0e2f4a61" });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    const { runs, deliveries } = await stored(app);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      id: response.body.runId,
      trigger: "TRACKER_LABEL",
      refs: ["ENG-123"],
      requestedBy: "2e8f5a1c-7b3d-4c9e-a6f0-1d2b3c4e5f60",
      requestedByName: "Maya Fischer",
    });
    expect(deliveries).toEqual([
      expect.objectContaining({ provider: "LINEAR", deliveryId: "8e2c4a60-1f3b-4d5e-9a7c-6b8d0e2f4a61", event: "Issue.update", runId: response.body.runId }),
    ]);

    expect(await waitForRun(app.db, response.body.runId)).toBe("COMPLETED");
    const story = tracker.stories.get("ENG-123")!;
    expect(story.children).toHaveLength(3);
    expect(story.comments).toHaveLength(1);
    expect([...story.labels].sort()).toEqual(["Feature", "subtasks:done"]);
  });

  it("an issue created with the trigger label starts a run", async () => {
    const app = await start();
    const response = await sendLinear(app.baseUrl, webhookFixture("linear/issue-created-with-label.json"), { secret: SECRET });

    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    expect((await stored(app)).runs.map((run) => run.refs)).toEqual([["ENG-140"]]);
    expect(await waitForRun(app.db, response.body.runId)).toBe("COMPLETED");
    expect(tracker.stories.get("ENG-140")!.children).toHaveLength(3);
  });

  it("the trigger label is the one TRIGGER_LABEL names", async () => {
    const app = await start({ env: { ...env, TRIGGER_LABEL: "breakdown" } });
    const payload = labelAdded();
    const response = await sendLinear(app.baseUrl, payload, { secret: SECRET });
    expect(response.body).toEqual({ status: "ignored", reason: "ENG-123 does not carry the label breakdown" });

    const renamed = labelAdded();
    renamed.data.labels[1].name = "Breakdown";
    expect((await sendLinear(app.baseUrl, renamed, { secret: SECRET })).body).toEqual({ status: "started", runId: expect.any(String) });
  });
});

describe("a Linear delivery starts at most one run", () => {
  it("a repeated Linear delivery starts one run", async () => {
    const app = await start();
    const deliveryId = "3c5e7a90-2b4d-4f6a-8c0e-1d3f5a7b9c02";
    const first = await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId });
    // Linear's retry: the same Linear-Delivery, stamped and signed anew.
    const retry = await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId, timestamp: Date.now() + 1_000 });

    expect(first.body.status).toBe("started");
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ status: "duplicate", runId: first.body.runId });
    const { runs, deliveries } = await stored(app);
    expect(runs).toHaveLength(1);
    expect(deliveries).toHaveLength(1);
  });

  it("two Linear deliveries of the same label change arriving at once start one run", async () => {
    const app = await start();
    const deliveryId = "5a7c9e10-3d5f-4b7d-9e1a-2c4e6a8b0d13";
    const answers = await Promise.all([0, 1].map(() => sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId })));

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.map((answer) => answer.body.status).sort()).toEqual(["duplicate", "started"]);
    expect(answers[0]!.body.runId).toBe(answers[1]!.body.runId);
    expect((await stored(app)).runs).toHaveLength(1);
  });

  it("the same Linear delivery reaching two processes at once starts one run", async () => {
    const first = await start();
    const second = await start({ db: first.db });
    const deliveryId = "7b9d1f20-4e6a-4c8e-8f2b-3d5f7b9c1e24";
    const answers = await Promise.all(
      [first, second].map((app) => sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId })),
    );

    expect(answers.map((answer) => answer.body.status).sort()).toEqual(["duplicate", "started"]);
    expect(answers[0]!.body.runId).toBe(answers[1]!.body.runId);
    expect((await stored(first)).runs).toHaveLength(1);
  });
});

describe("Linear deliveries that start nothing", () => {
  it("removing the trigger label, or changing another field, starts nothing", async () => {
    const app = await start();
    const removed = await sendLinear(app.baseUrl, webhookFixture("linear/issue-label-removed.json"), { secret: SECRET });
    const retitled = await sendLinear(app.baseUrl, webhookFixture("linear/issue-title-changed.json"), { secret: SECRET });

    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ status: "ignored", reason: "ENG-123 does not carry the label ai:subtasks" });
    expect(retitled.status).toBe(200);
    expect(retitled.body).toEqual({ status: "ignored", reason: "the labels of ENG-123 did not change" });
    expect(await stored(app)).toEqual({ runs: [], deliveries: [] });
  });

  it("another label added while the trigger label stays starts nothing", async () => {
    const app = await start();
    const payload = labelAdded();
    payload.updatedFrom.labelIds = ["d4c3b2a1-0f9e-4d8c-b7a6-95847362514f"];
    const response = await sendLinear(app.baseUrl, payload, { secret: SECRET });

    expect(response.body).toEqual({ status: "ignored", reason: "ENG-123 already carried the label ai:subtasks" });
    expect((await stored(app)).runs).toEqual([]);
  });

  it("the bot's own sub-issues and other entity types are ignored", async () => {
    const app = await start();
    const subIssue = await sendLinear(app.baseUrl, webhookFixture("linear/sub-issue-created.json"), { secret: SECRET });
    const comment = await sendLinear(app.baseUrl, webhookFixture("linear/comment-created.json"), { secret: SECRET });
    const removedIssue = await sendLinear(app.baseUrl, { ...labelAdded(), action: "remove" }, { secret: SECRET });

    expect(subIssue.body).toEqual({ status: "ignored", reason: "ENG-130 is a sub-issue created by subtasks-bot" });
    expect(comment.body).toEqual({ status: "ignored", reason: "Linear Comment events do not start runs" });
    expect(removedIssue.body).toEqual({ status: "ignored", reason: "an issue remove does not start a run" });
    expect(await stored(app)).toEqual({ runs: [], deliveries: [] });
  });
});

describe("Linear deliveries that are refused", () => {
  it("a forged, stale, future or missing signature is refused with 401 and nothing is stored", async () => {
    const app = await start();
    const cases = {
      forged: await sendLinear(app.baseUrl, labelAdded(), { secret: "not-the-secret" }),
      missing: await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, signature: null }),
      garbled: await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, signature: "sha256=zz" }),
      stale: await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, timestamp: Date.now() - 61_000 }),
      future: await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, timestamp: Date.now() + 61_000 }),
    };

    expect(Object.fromEntries(Object.entries(cases).map(([name, answer]) => [name, [answer.status, answer.body.error]]))).toEqual({
      forged: [401, "invalid_signature"],
      missing: [401, "missing_signature"],
      garbled: [401, "invalid_signature"],
      stale: [401, "stale_delivery"],
      future: [401, "stale_delivery"],
    });
    expect(await stored(app)).toEqual({ runs: [], deliveries: [] });
  });

  it("a signature of a different body is refused: the body was changed on the way", async () => {
    const app = await start();
    const body = JSON.stringify({ ...labelAdded(), webhookTimestamp: Date.now() });
    const tampered = body.replace("ENG-123", "ENG-124");
    const response = await sendLinear(app.baseUrl, {}, { secret: SECRET, rawBody: tampered, signature: signBody(body, SECRET) });

    expect(response.status).toBe(401);
    expect((await stored(app)).runs).toEqual([]);
  });

  it("without LINEAR_WEBHOOK_SECRET every Linear delivery is refused with 401", async () => {
    const app = await start({ env: { LINEAR_API_KEY: "lin_api_test_key_123" } });
    const response = await sendLinear(app.baseUrl, labelAdded(), { secret: "anything" });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: "webhook_secret_unset",
      message: "LINEAR_WEBHOOK_SECRET is not set on this bot, so Linear deliveries are refused",
    });
    expect(await stored(app)).toEqual({ runs: [], deliveries: [] });
  });

  it("a signed body that is not JSON, or lacks what a delivery needs, is 400", async () => {
    const app = await start();
    const withoutLabels = labelAdded();
    delete withoutLabels.data.labels;
    const withoutTimestamp = labelAdded();
    const badIdentifier = labelAdded();
    badIdentifier.data.identifier = "ENG 123; DROP TABLE";
    const send = (options: Parameters<typeof sendLinear>[2], payload: Record<string, unknown> = labelAdded()) => sendLinear(app.baseUrl, payload, options);
    const cases = {
      notJson: await send({ secret: SECRET, rawBody: "{\"action\": \"update\"," }),
      noLabels: await send({ secret: SECRET }, withoutLabels),
      noTimestamp: await send({ secret: SECRET, rawBody: JSON.stringify({ ...withoutTimestamp, webhookTimestamp: undefined }) }),
      noDeliveryHeader: await send({ secret: SECRET, deliveryId: null }),
      badIdentifier: await send({ secret: SECRET }, badIdentifier),
      array: await send({ secret: SECRET, rawBody: "[]" }),
    };

    expect(Object.fromEntries(Object.entries(cases).map(([name, answer]) => [name, answer.status]))).toEqual({
      notJson: 400,
      noLabels: 400,
      noTimestamp: 400,
      noDeliveryHeader: 400,
      badIdentifier: 400,
      array: 400,
    });
    expect(cases.noLabels.body).toEqual({ error: "invalid_payload", message: "not a Linear webhook delivery: data.labels: Invalid input: expected array, received undefined" });
    expect(cases.noDeliveryHeader.body.message).toMatch(/^not a Linear webhook delivery: Linear-Delivery header: /);
    expect(await stored(app)).toEqual({ runs: [], deliveries: [] });
  });

  it("a body over 1 MB is refused with 413", async () => {
    const app = await start();
    const payload = labelAdded();
    payload.data.description = "x".repeat(1024 * 1024);
    const response = await sendLinear(app.baseUrl, payload, { secret: SECRET });

    expect(response.status).toBe(413);
    expect(response.body).toEqual({ error: "body_too_large", message: "the request body is too large" });
    expect((await stored(app)).runs).toEqual([]);
  });

  it("every outcome is counted in webhook_deliveries_total, refusals included", async () => {
    const app = await start();
    await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId: "1f3b5d70-7c9e-4a1b-8d3f-6b8d0f2a4c57" });
    await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId: "1f3b5d70-7c9e-4a1b-8d3f-6b8d0f2a4c57" });
    await sendLinear(app.baseUrl, webhookFixture("linear/comment-created.json"), { secret: SECRET });
    await sendLinear(app.baseUrl, labelAdded(), { secret: "forged" });
    await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, rawBody: "nope" });
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();

    for (const result of ["started", "duplicate", "ignored", "refused", "invalid"]) {
      expect(metrics).toContain(`webhook_deliveries_total{provider="linear",result="${result}"} 1`);
    }
  });

  it("a person's name with control characters is stored without them", async () => {
    const app = await start();
    const payload = labelAdded();
    payload.actor.name = "Maya\u0000 Fischer\u0007";
    const response = await sendLinear(app.baseUrl, payload, { secret: SECRET });

    expect(response.body.status).toBe("started");
    expect((await stored(app)).runs[0]?.requestedByName).toBe("Maya Fischer");
  });
});

describe("a Linear delivery while the database is down", () => {
  it("is answered 503 with Retry-After and stored nowhere, and Linear's retry starts the run once the database is back", async () => {
    const app = await start();
    const deliveryId = "9d1f3b40-5a7c-4e9a-8b1d-4f6a8c0e2a35";
    const outage = await refuseConnections(app.db);
    let during;
    try {
      during = await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId });
    } finally {
      await outage.end();
    }

    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toBe("30");
    expect(during.body).toEqual({ error: "unavailable", message: "the delivery could not be recorded; try again later" });
    expect(await stored(app)).toEqual({ runs: [], deliveries: [] });

    const retry = await sendLinear(app.baseUrl, labelAdded(), { secret: SECRET, deliveryId });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ status: "started", runId: expect.any(String) });
    expect(await waitForRun(app.db, retry.body.runId)).toBe("COMPLETED");
    expect((await stored(app)).runs).toHaveLength(1);
  });
});
