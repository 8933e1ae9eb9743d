// A tracker workspace's budget is shared by every process on the database and follows the
// rate-limit headers: two processes commenting against a Linear that allows 20 requests per
// window finish without a single refusal, where the same work without the budget is refused.
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

const WINDOW_LIMIT = 20;
const WINDOW_MS = 1_500;

interface WindowedLinear {
  readonly url: string;
  answered: number;
  refused: number;
  close(): Promise<void>;
}

/**
 * Linear's GraphQL endpoint for comments, allowing WINDOW_LIMIT requests per fixed window and
 * saying so in every answer's X-RateLimit-Requests-* headers; beyond it, RATELIMITED.
 */
async function startWindowedLinear(): Promise<WindowedLinear> {
  let windowStart = Date.now();
  let used = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const now = Date.now();
      if (now >= windowStart + WINDOW_MS) {
        windowStart = now - ((now - windowStart) % WINDOW_MS);
        used = 0;
      }
      const allowed = used < WINDOW_LIMIT;
      if (allowed) used += 1;
      const headers = {
        "content-type": "application/json",
        "x-ratelimit-requests-limit": String(WINDOW_LIMIT),
        "x-ratelimit-requests-remaining": String(WINDOW_LIMIT - used),
        "x-ratelimit-requests-reset": String(windowStart + WINDOW_MS),
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
  const linear: WindowedLinear = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    answered: 0,
    refused: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return linear;
}

let db: TestDatabase;
let linear: WindowedLinear;
const opened: Database[] = [];
const budgets: CallBudget[] = [];

beforeEach(async () => {
  db = await migratedTestDatabase();
  linear = await startWindowedLinear();
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
  it("two processes keep under Linear's window from its headers: 50 comments, none refused", async () => {
    const started = Date.now();
    await commentFrom([processTracker(true), processTracker(true)], 25);
    expect(linear.answered).toBe(50);
    expect(linear.refused).toBe(0);
    // 50 requests at 20 per window need at least two resets.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * WINDOW_MS - 300);
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
