// A tracker workspace's budget is shared by every process on the database and follows the
// rate-limit headers: two processes commenting against a Linear whose bucket holds 20 requests
// finish without a single refusal, at about the rate the bucket refills, where the same work
// without the budget is refused.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CallBudget } from "../../../src/budget/call-budget.ts";
import { createPgCallBudget } from "../../../src/budget/pg-call-budget.ts";
import { openDatabase, type Database } from "../../../src/db/prisma.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import { linearEntry } from "../../../src/trackers/linear/entry.ts";
import type { Tracker } from "../../../src/trackers/types.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { silentLogger } from "../../support/logger.ts";

const BUCKET = 20;
/** The bucket refills BUCKET requests in this long, a little at a time, as Linear's do. */
const REFILL_MS = 1_500;

interface BucketLinear {
  readonly url: string;
  answered: number;
  refused: number;
  close(): Promise<void>;
}

/**
 * Linear's GraphQL endpoint for comments: a leaky bucket of BUCKET requests refilled
 * continuously, described in every answer's X-RateLimit-Requests-* headers (reset: when it is
 * full again); an empty bucket answers RATELIMITED.
 */
async function startBucketLinear(): Promise<BucketLinear> {
  let tokens = BUCKET;
  let last = Date.now();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const now = Date.now();
      tokens = Math.min(BUCKET, tokens + ((now - last) / REFILL_MS) * BUCKET);
      last = now;
      const allowed = tokens >= 1;
      if (allowed) tokens -= 1;
      const headers = {
        "content-type": "application/json",
        "x-ratelimit-requests-limit": String(BUCKET),
        "x-ratelimit-requests-remaining": String(Math.floor(tokens)),
        "x-ratelimit-requests-reset": String(Math.ceil(now + ((BUCKET - tokens) / BUCKET) * REFILL_MS)),
      };
      // Answered after a little work, as a real API does: calls overlap.
      setTimeout(() => {
        if (allowed) {
          linear.answered += 1;
          response.writeHead(200, headers).end(JSON.stringify({ data: { commentCreate: { success: true } } }));
        } else {
          linear.refused += 1;
          response.writeHead(400, headers).end(JSON.stringify({ errors: [{ message: "Rate limit exceeded", extensions: { code: "RATELIMITED" } }] }));
        }
      }, 15);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const linear: BucketLinear = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    answered: 0,
    refused: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return linear;
}

let db: TestDatabase;
let linear: BucketLinear;
const opened: Database[] = [];
const budgets: CallBudget[] = [];

beforeEach(async () => {
  db = await migratedTestDatabase();
  linear = await startBucketLinear();
});

afterEach(async () => {
  for (const budget of budgets.splice(0)) await budget.close();
  for (const pool of opened.splice(0)) await pool.close();
  await linear.close();
  await db.destroy();
});

const config = () => ({ apiKey: "lin_api_test_key", apiUrl: linear.url, webhookSecret: undefined });

/** The Linear adapter as one bot process builds it: its own connections, its own budget object. */
function processTracker(withBudget: boolean): Tracker {
  let budget: CallBudget | undefined;
  if (withBudget) {
    const pool = openDatabase(db.url, { max: 3 });
    opened.push(pool);
    budget = createPgCallBudget({ pool: pool.pool, name: linearEntry.budgetName(config()), ceiling: 3, logger: silentLogger, pollMs: 20 });
    budgets.push(budget);
  }
  return createLinearTracker({ config: config(), logger: silentLogger, ...(budget ? { budget } : {}) });
}

const story = { id: "issue-1", key: "ENG-1", title: "Export", url: "https://linear.app/acme/issue/ENG-1" };

/** Each process comments `perProcess` times, several at once, as a run's workers do. */
async function commentFrom(trackers: Tracker[], perProcess: number): Promise<void> {
  await Promise.all(
    trackers.flatMap((tracker) => Array.from({ length: perProcess }, (_, i) => tracker.comment(story, `comment ${i + 1}`))),
  );
}

describe("a tracker workspace's shared budget", () => {
  it("two processes keep within Linear's bucket from its headers: 50 comments, none refused, at the rate it refills", async () => {
    const started = Date.now();
    await commentFrom([processTracker(true), processTracker(true)], 25);
    const elapsed = Date.now() - started;
    expect(linear.answered).toBe(50);
    expect(linear.refused).toBe(0);
    // 20 at once, then 30 at the refill rate: at least 2.25 s, and not much slower than that.
    const ideal = ((50 - BUCKET) / BUCKET) * REFILL_MS;
    expect(elapsed).toBeGreaterThanOrEqual(ideal - 300);
    expect(elapsed).toBeLessThan(ideal * 2.5);
  });

  it("without the budget the same work is refused (and gets through only by retrying)", async () => {
    await commentFrom([processTracker(false), processTracker(false)], 25);
    expect(linear.answered).toBe(50);
    expect(linear.refused).toBeGreaterThan(0);
  });

  it("names the budget by workspace key without the key itself", () => {
    const name = linearEntry.budgetName(config());
    expect(name).toMatch(/^linear:[0-9a-f]{12}$/);
    expect(name).not.toContain("lin_api_test_key");
  });
});
