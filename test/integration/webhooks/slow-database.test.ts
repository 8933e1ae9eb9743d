// The webhook router on a real run service whose database is slow to write (a table lock held
// elsewhere): the sender gets 503 at the deadline instead of waiting past its own timeout, and
// its retry finds the delivery that landed meanwhile.
import express from "express";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { errorHandler, notFound } from "../../../src/http/errors.ts";
import { listen, type RunningServer } from "../../../src/http/listen.ts";
import type { RunService } from "../../../src/runs/service.ts";
import { createWebhookRouter } from "../../../src/webhooks/router.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { silentLogger } from "../../support/logger.ts";
import { startCore, stopStarted } from "../../support/app.ts";
import { waitFor } from "../../support/runs.ts";
import { sendLinear, webhookFixture } from "../../support/webhooks/deliveries.ts";

const SECRET = "lin_wh_4f8c2e1a9b7d6c5e3f2a1b0c9d8e7f6a";

let db: TestDatabase | undefined;
let runs: RunService | undefined;
let server: RunningServer | undefined;
let locker: pg.Client | undefined;

afterEach(async () => {
  await locker?.end().catch(() => undefined);
  await server?.close();
  await stopStarted();
  await db?.destroy();
  locker = undefined;
  server = undefined;
  runs = undefined;
  db = undefined;
});

describe("a Linear delivery while the database is slow", () => {
  it("is answered 503 at the deadline, and the retry is a duplicate of the run recorded meanwhile", async () => {
    db = await migratedTestDatabase();
    const tracker = new FakeTracker();
    tracker.addStory("ENG-123");
    runs = (await startCore({ db, trackers: { linear: tracker }, generator: new FakeGenerator() })).runs;
    const app = express();
    const config = { trackers: { linear: { apiKey: "k", apiUrl: "https://api.linear.app/graphql", webhookSecret: SECRET }, jira: null }, triggerLabel: "ai:subtasks" };
    app.use(createWebhookRouter({ config, logger: silentLogger, runs, recordWithinMs: 300 }));
    app.use(notFound);
    app.use(errorHandler(silentLogger));
    server = await listen(app, 0);
    const baseUrl = `http://127.0.0.1:${server.port}`;

    locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE "WebhookDelivery" IN ACCESS EXCLUSIVE MODE');
    const deliveryId = "0e2a4c60-6b8d-4f0a-9c2e-5a7c9e1b3d46";
    const started = performance.now();
    const first = await sendLinear(baseUrl, webhookFixture("linear/issue-label-added.json"), { secret: SECRET, deliveryId });
    const waited = performance.now() - started;
    await locker.query("COMMIT");

    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("30");
    expect(waited).toBeGreaterThanOrEqual(290);
    // Answered at the deadline, not when the lock goes: well before Linear gives up (5 s).
    expect(waited).toBeLessThan(4_000);

    // The write that waited on the lock lands now.
    await waitFor(async () => (await db!.prisma.webhookDelivery.count()) === 1, 5_000, "the delayed write");
    const retry = await sendLinear(baseUrl, webhookFixture("linear/issue-label-added.json"), { secret: SECRET, deliveryId });
    const [run] = await db.prisma.run.findMany();
    expect(retry.body).toEqual({ status: "duplicate", runId: run!.id });
    expect(await db.prisma.run.count()).toBe(1);
  });
});
