import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.ts";
import { parseJsonBody, rawBody } from "../../src/http/body.ts";
import { errorHandler, notFound } from "../../src/http/errors.ts";
import { listen, type RunningServer } from "../../src/http/listen.ts";
import { emptyTestDatabase, migratedTestDatabase, type TestDatabase } from "../support/database.ts";
import { startApp, stopStarted } from "../support/app.ts";
import { silentLogger } from "../support/logger.ts";

let db: TestDatabase | undefined;
let extra: RunningServer | undefined;

afterEach(async () => {
  await stopStarted();
  await extra?.close();
  await db?.destroy();
  extra = undefined;
  db = undefined;
});

/** The app on a database this file drops itself (it may be unmigrated, or taken away). */
async function start(database: TestDatabase): Promise<string> {
  db = database;
  return (await startApp({ db: database })).baseUrl;
}

describe("HTTP server", () => {
  it("is alive at once but ready only when migrations are applied", async () => {
    const base = await start(await emptyTestDatabase());
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: "not_ready", reason: expect.stringMatching(/^migrations not applied: \d+_init/) });
    await migrate(db!.url, silentLogger);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });

  it("reports not ready with a reason when the database is gone", async () => {
    const database = await migratedTestDatabase();
    const base = await start(database);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await database.pool.end();
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toMatch(/^database unreachable/);
    db = undefined;
    await database.destroy().catch(() => undefined);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const base = await start(await migratedTestDatabase());
    const response = await fetch(`${base}/nothing/here`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", message: "no route for POST /nothing/here" });
  });

  it("exposes Prometheus metrics with request durations by route and status", async () => {
    const base = await start(await migratedTestDatabase());
    await fetch(`${base}/healthz`);
    await fetch(`${base}/missing`);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
  });

  it("stops gracefully: an in-flight request completes before the server closes", async () => {
    const slow = express();
    slow.get("/slow", async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      res.json({ done: true });
    });
    const server = await listen(slow, 0);
    const pending = fetch(`http://127.0.0.1:${server.port}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    const response = await pending;
    expect(await response.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`http://127.0.0.1:${server.port}/slow`)).rejects.toThrow();
  });
});

describe("JSON bodies", () => {
  async function jsonEcho() {
    const api = express();
    api.post("/echo", rawBody(), (req, res) => {
      res.json({ parsed: parseJsonBody(req.rawBody!), bytes: req.rawBody!.length });
    });
    api.use(notFound);
    api.use(errorHandler(silentLogger));
    extra = await listen(api, 0);
    return `http://127.0.0.1:${extra.port}/echo`;
  }

  it("a body that is not valid JSON gets 400, not 500", async () => {
    const url = await jsonEcho();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_json", message: "the request body is not valid JSON" });
  });

  it("keeps the raw bytes for signature checks", async () => {
    const url = await jsonEcho();
    const body = '{ "a" : 1 }';
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(await response.json()).toEqual({ parsed: { a: 1 }, bytes: body.length });
  });

  it("a body over 1 MB gets 413", async () => {
    const url = await jsonEcho();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: `"${"x".repeat(1024 * 1024)}"` });
    expect(response.status).toBe(413);
  });
});
