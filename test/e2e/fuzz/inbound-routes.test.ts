// The three inbound routes under fast-check: more than 10,000 generated requests against the
// real app. Whatever arrives (cut-off or deeply nested JSON, wrong types, huge strings, bytes
// that are not UTF-8, broken payload= forms, valid signatures on garbage, garbage signatures on
// valid bodies), the answer is never a 5xx, no Slack listener fails, an unverified request
// writes nothing and calls nobody, and the process holds no more memory afterwards.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.ts";
import { parseConfig } from "../../../src/config/config.ts";
import { createCore } from "../../../src/core.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { garbageBody, mutatedPayload } from "../../support/fuzz/bodies.ts";
import { Writable } from "node:stream";
import { createLogger } from "../../../src/log/logger.ts";
import { REFINE_CALLBACK_ID } from "../../../src/slack/blocks/refine-modal.ts";
import { signBody } from "../../../src/webhooks/signature.ts";
import { webhookFixture } from "../../support/webhooks/deliveries.ts";
import { playSlack, type PlayedSlack } from "../slack/support/slack-api.ts";
import { appHomeOpenedBody, blockActionsBody, sign, slackEnv, slashCommandBody, viewSubmissionBody } from "../slack/support/slack-requests.ts";

const LINEAR_SECRET = "lin_wh_fuzz_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const JIRA_SECRET = "jira_wh_fuzz_9a8b7c6d5e4f3a2b1c0d";
const MB = 1024 * 1024;
/** FUZZ_SCALE=10 for a longer hunt; below 1 only to try a change quickly (the count check then fails). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** Requests per route; together over the 10,000 the issue asks for. */
const RUNS = { slack: 4_000 * SCALE, linear: 3_200 * SCALE, jira: 3_200 * SCALE } as const;
const UNVERIFIED_RUNS = Math.ceil(600 * SCALE);
const sent = { slack: 0, linear: 0, jira: 0 };

/** One app for the whole file, started here rather than with startApp, which stops it after each test. */
let app: { baseUrl: string; db: TestDatabase; stop(): Promise<void> };
let slack: PlayedSlack;
/** The app's log lines that say something failed; the rest (thousands of refusals) is not kept, so it weighs nothing in the memory check. */
const failedLines: { msg: string; err?: unknown }[] = [];
const failureLogger = createLogger({
  level: "warn",
  destination: new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split("\n").filter(Boolean)) {
        const line = JSON.parse(text) as { msg: string; err?: unknown };
        if (/failed/.test(line.msg)) failedLines.push({ msg: line.msg, err: line.err });
      }
      done();
    },
  }),
});
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let retainedBefore = 0;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** Memory the process holds on to: the JS heap and the buffers outside it, after a full collection. */
function retainedBytes(): number {
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

beforeAll(async () => {
  slack = playSlack();
  const tracker = new FakeTracker();
  tracker.addStory("ENG-1");
  const db = await migratedTestDatabase();
  const env = slackEnv({ LINEAR_API_KEY: "lin_api_fuzz", LINEAR_WEBHOOK_SECRET: LINEAR_SECRET, JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_EMAIL: "bot@acme.test", JIRA_API_TOKEN: "jira_token_fuzz", JIRA_WEBHOOK_SECRET: JIRA_SECRET });
  const core = await createCore(parseConfig({ ...env, DATABASE_URL: db.url }), {
    logger: failureLogger,
    db,
    trackers: { linear: tracker, jira: new FakeTracker() },
    generator: new FakeGenerator(),
    sweepIntervalMs: 0,
    // Runs are recorded, never worked: the fuzz is about the door, not the work behind it.
    work: false,
  });
  const http = await createApp(core);
  const server = await http.start(0);
  app = {
    baseUrl: `http://127.0.0.1:${server.port}`,
    db,
    async stop() {
      await http.stop();
      await db.destroy();
    },
  };
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
}, 60_000);

afterAll(async () => {
  await app?.stop();
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  slack.stop();
  console.info(`fuzz requests by route: /slack/events ${sent.slack}, /webhooks/linear ${sent.linear}, /webhooks/jira ${sent.jira}; total ${sent.slack + sent.linear + sent.jira}`);
});

async function post(route: keyof typeof sent, path: string, body: Buffer | string, headers: Record<string, string>): Promise<number> {
  sent[route]++;
  const response = await fetch(`${app.baseUrl}${path}`, { method: "POST", headers, body });
  await response.arrayBuffer();
  return response.status;
}

const slackPost = (body: Buffer | string, contentType: string, signature?: string, timestamp = Math.floor(Date.now() / 1000)) =>
  post("slack", "/slack/events", body, {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signature ?? sign(Buffer.from(body).toString("utf8"), timestamp),
  });

const linearPost = (body: Buffer | string, signature?: string) =>
  post("linear", "/webhooks/linear", body, {
    "content-type": "application/json; charset=utf-8",
    "linear-event": "Issue",
    "linear-delivery": crypto.randomUUID(),
    "linear-signature": signature ?? signBody(body, LINEAR_SECRET),
  });

const jiraPost = (body: Buffer | string, signature?: string) =>
  post("jira", "/webhooks/jira", body, {
    "content-type": "application/json; charset=UTF-8",
    "x-atlassian-webhook-identifier": String(Math.floor(Math.random() * 1e12)),
    "x-hub-signature": signature ?? `sha256=${signBody(body, JIRA_SECRET)}`,
  });

/** Rows in every table a request could write, and the calls made to Slack. */
async function footprint() {
  const { prisma } = app.db;
  const [runs, stories, deliveries, settings] = await Promise.all([prisma.run.count(), prisma.runStory.count(), prisma.webhookDelivery.count(), prisma.teamSettings.count()]);
  return { runs, stories, deliveries, settings, slackCalls: slack.calls.length, slackResponses: slack.responses.length };
}

/** Lines whose message matches: a listener or a route that failed on what it was sent. */
function failures(message: RegExp): string[] {
  return failedLines
    .filter((line) => message.test(line.msg))
    .map((line) => `${String(line.msg)}: ${JSON.stringify(line.err ?? "").slice(0, 300)}`);
}
/** The app's error handler: a request that became a 500. */
const ROUTE_FAILED = /^request failed$/;
/** Bolt's own code failing on a signed interaction with a field of the wrong type (answered 200 with a message). */
const BOLT_FAILED = /^Slack (request|listener) failed/;

/**
 * Requests sent at once per property run: Bolt answers a signed request no listener takes only
 * after its 3 s ack window, and those waits overlap. 16 at once kept the /slack/events part at
 * 5 minutes of a CI run on 2 cores; 64 sends the same requests in 2.
 */
const AT_ONCE = 64;
const batchOf = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { minLength: AT_ONCE, maxLength: AT_ONCE });
const runsOf = (requests: number) => ({ numRuns: Math.max(1, Math.round(requests / AT_ONCE)) });

const forgedSignature = fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^v0=[0-9a-f]{64}$/), fc.stringMatching(/^sha256=[0-9a-f]{64}$/));
const contentType = fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", "application/x-www-form-urlencoded; charset=utf-8", "");
function notServerError(status: number): void {
  expect(status, `answered ${status}`).toBeLessThan(500);
}

const linearLabelAdded = () => ({ ...webhookFixture("linear/issue-label-added.json"), webhookTimestamp: Date.now() });
const jiraLabelAdded = () => ({ ...webhookFixture("jira/issue-updated-label-added.json"), timestamp: Date.now() });
const slackBodies = () => [
  slashCommandBody("ENG-1"),
  blockActionsBody({ user: "U0ALICE", actionId: "review_create", blockId: "review", value: "x", channel: "C0RUNS", messageTs: "1767000000.000100" }),
  viewSubmissionBody({ user: "U0ALICE", callbackId: REFINE_CALLBACK_ID, privateMetadata: "{}", values: {} }),
  appHomeOpenedBody("U0ALICE"),
];

describe("fuzz: an unverified request is refused and changes nothing", () => {
  it("garbage signatures on valid bodies of every route: 401, no row written, no call to Slack", async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...slackBodies()), forgedSignature, async (body, signature) => {
        const type = body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded";
        expect(await slackPost(body, type, signature)).toBe(401);
      }),
      { numRuns: UNVERIFIED_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(forgedSignature, async (signature) => {
        expect(await linearPost(JSON.stringify(linearLabelAdded()), signature)).toBe(401);
        expect(await jiraPost(JSON.stringify(jiraLabelAdded()), signature)).toBe(401);
      }),
      { numRuns: UNVERIFIED_RUNS },
    );
    // A valid signature from a wrong secret, and one on a stale Slack timestamp.
    await fc.assert(
      fc.asyncProperty(garbageBody, fc.string({ minLength: 1, maxLength: 40 }), async (body, secret) => {
        expect(await linearPost(body, signBody(body, `${LINEAR_SECRET}${secret}`))).toBe(401);
        expect(await jiraPost(body, `sha256=${signBody(body, `${JIRA_SECRET}${secret}`)}`)).toBe(401);
        const stale = Math.floor(Date.now() / 1000) - 3_600;
        expect(await slackPost(body, "application/x-www-form-urlencoded", undefined, stale)).toBe(401);
      }),
      { numRuns: Math.ceil(400 * SCALE) },
    );
    expect(await footprint()).toEqual(before);
    // The baseline for the memory check: taken once every route has served requests (code
    // compiled, pools and caches filled), so growth after it is what the fuzz left behind.
    retainedBefore = retainedBytes();
  }, 300_000);
});

describe("fuzz: valid signatures on garbage never get a 5xx", () => {
  it("/slack/events: garbage bodies, broken payload= forms and mutated interactions", async () => {
    await fc.assert(
      fc.asyncProperty(batchOf(fc.tuple(garbageBody, contentType)), async (batch) => {
        for (const status of await Promise.all(batch.map(([body, type]) => slackPost(body, type)))) notServerError(status);
      }),
      runsOf(RUNS.slack / 2 - UNVERIFIED_RUNS),
    );
    const interactions = slackBodies()
      .slice(1, 3)
      .map((form) => JSON.parse(new URLSearchParams(form).get("payload")!) as Record<string, unknown>);
    await fc.assert(
      fc.asyncProperty(batchOf(fc.oneof(...interactions.map(mutatedPayload))), async (batch) => {
        const statuses = await Promise.all(batch.map((payload) => slackPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded")));
        for (const status of statuses) notServerError(status);
      }),
      runsOf(RUNS.slack / 4),
    );
    // The slash command with any text, and with its fields of any content.
    // (Not `command`: a command the app has no listener for is left unanswered by Bolt for 3 s, then 404.)
    const field = fc.constantFrom("text", "channel_id", "user_id", "user_name", "team_id", "response_url", "trigger_id");
    await fc.assert(
      fc.asyncProperty(batchOf(fc.tuple(fc.string({ unit: "grapheme", maxLength: 300 }), field, fc.string({ unit: "binary", maxLength: 100 }))), async (batch) => {
        const statuses = await Promise.all(batch.map(([text, name, value]) => slackPost(slashCommandBody(text, name === "text" ? {} : { [name]: value }), "application/x-www-form-urlencoded")));
        for (const status of statuses) notServerError(status);
      }),
      runsOf(RUNS.slack / 4),
    );
    expect(failures(ROUTE_FAILED)).toEqual([]);
    // Known and left as is: Bolt reads team.id, user.id or action_id.match before any listener
    // runs, so a signed interaction with one of them of the wrong type fails inside Bolt; the
    // person gets "something went wrong" (200), never a 5xx. Only Slack can sign such a body.
    console.info(`fuzz /slack/events: ${failures(BOLT_FAILED).length} signed interactions with a wrong-typed field failed inside Bolt and were answered with a message`);
  }, 600_000);

  it.each([
    { route: "linear", send: linearPost, labelAdded: linearLabelAdded, runs: RUNS.linear },
    { route: "jira", send: jiraPost, labelAdded: jiraLabelAdded, runs: RUNS.jira },
  ] as const)("/webhooks/$route: garbage bodies and label-added deliveries with any field wrong", async ({ send, labelAdded, runs }) => {
    await fc.assert(
      fc.asyncProperty(batchOf(garbageBody), async (batch) => {
        for (const status of await Promise.all(batch.map((body) => send(body)))) notServerError(status);
      }),
      runsOf(runs / 2 - UNVERIFIED_RUNS),
    );
    await fc.assert(
      fc.asyncProperty(batchOf(mutatedPayload(labelAdded())), async (batch) => {
        for (const status of await Promise.all(batch.map((payload) => send(JSON.stringify(payload))))) notServerError(status);
      }),
      runsOf(runs / 2),
    );
    expect(failures(ROUTE_FAILED)).toEqual([]);
  }, 600_000);
});

describe("fuzz: the limits hold", () => {
  it("a body over 1 MB is refused with 413 on every route, before it is read whole", async () => {
    for (const path of ["/slack/events", "/webhooks/linear", "/webhooks/jira"]) {
      // Announced at 64 MB, at most 2 MB ever sent: an answer can come only from the declared length.
      const announced = await postOverSocket(`${app.baseUrl}${path}`, 64 * MB, 2 * MB);
      expect(announced.status, path).toBe(413);
      expect(announced.bytesSent, path).toBeLessThanOrEqual(2 * MB);
      // Chunked, with no length announced, up to 8 MB: answered once the limit is passed, not at the end.
      const chunked = await postOverSocket(`${app.baseUrl}${path}`, null, 8 * MB);
      expect(chunked.status, path).toBe(413);
      expect(chunked.bytesSent, path).toBeLessThan(8 * MB);
    }
  }, 60_000);

  it("a signed body that is no Slack request is answered 400 at once (JSON null once crashed Bolt; an array waited 3 s)", async () => {
    for (const [body, type] of [["null", "application/json"], ["[]", "application/json"], ['{"a":1}', "application/json"], ["payload=null", "application/x-www-form-urlencoded"], ["payload=7", "application/x-www-form-urlencoded"]] as const) {
      const started = performance.now();
      expect(await slackPost(body, type), body).toBe(400);
      expect(performance.now() - started, body).toBeLessThan(1_000);
    }
  });

  it("nothing unhandled, and the process holds no more than 50 MB more memory than before the fuzz", () => {
    expect(unhandled).toEqual([]);
    const grownMb = (retainedBytes() - retainedBefore) / MB;
    console.info(`fuzz memory: ${grownMb.toFixed(1)} MB retained after ${sent.slack + sent.linear + sent.jira} requests`);
    expect(grownMb).toBeLessThan(50);
    expect(sent.slack + sent.linear + sent.jira).toBeGreaterThanOrEqual(10_000 * Math.min(SCALE, 1));
  });
});

const oversizedPost = fileURLToPath(new URL("../../support/fuzz/oversized-post.ts", import.meta.url));

/** Runs test/support/fuzz/oversized-post.ts in its own process, out of nock's reach. */
async function postOverSocket(url: string, announced: number | null, upTo: number): Promise<{ status: number; bytesSent: number }> {
  const args = ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", oversizedPost, url, announced === null ? "chunked" : String(announced), String(upTo)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 20_000 });
  return JSON.parse(stdout) as { status: number; bytesSent: number };
}
