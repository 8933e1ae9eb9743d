// MODEL_CONCURRENCY is one budget for every process on the database: kept in PostgreSQL, halved
// for everyone by a refusal, and freed when a killed process's leases expire.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CallBudget, CallSlot } from "../../../src/budget/call-budget.ts";
import { createPgCallBudget } from "../../../src/budget/pg-call-budget.ts";
import { openDatabase, type Database } from "../../../src/db/prisma.ts";
import { startAnthropicServer, type AnthropicServer } from "../../support/anthropic-server.ts";
import { startCore, stopStarted } from "../../support/app.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { silentLogger } from "../../support/logger.ts";
import { linearRef, waitForRun } from "../../support/runs.ts";

let db: TestDatabase;
let server: AnthropicServer | undefined;
const opened: Database[] = [];
const budgets: CallBudget[] = [];

beforeEach(async () => {
  db = await migratedTestDatabase();
});

afterEach(async () => {
  await stopStarted();
  for (const budget of budgets.splice(0)) await budget.close();
  for (const other of opened.splice(0)) await other.close();
  await server?.close();
  server = undefined;
  await db.destroy();
});

/** A budget as another process holds it: its own connections to the same database. */
function processBudget(options: { ceiling: number; leaseTtlMs?: number }): { budget: CallBudget; pool: Database } {
  const pool = openDatabase(db.url, { max: 3 });
  opened.push(pool);
  const budget = createPgCallBudget({ pool: pool.pool, name: "anthropic", logger: silentLogger, pollMs: 20, ...options });
  budgets.push(budget);
  return { budget, pool };
}

async function timeToAcquire(budget: CallBudget): Promise<{ slot: CallSlot; ms: number }> {
  const started = performance.now();
  const slot = await budget.acquire();
  return { slot, ms: performance.now() - started };
}

describe("the shared model-call budget", () => {
  it("two processes with MODEL_CONCURRENCY=2 never have more than two model calls in flight", async () => {
    server = await startAnthropicServer({ delayMs: 120 });
    const tracker = new FakeTracker();
    const keys = Array.from({ length: 12 }, (_, i) => `ENG-${i + 1}`);
    for (const key of keys) tracker.addStory(key);
    const env = { LINEAR_API_KEY: "lin_api_test", ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: server.url, RUN_CONCURRENCY: "4", MODEL_CONCURRENCY: "2" };
    const first = await startCore({ db, env, trackers: { linear: tracker } });
    await startCore({ db, env, trackers: { linear: tracker } });

    const started = await first.runs.startRun({ trigger: "CLI", refs: keys.map(linearRef), requestedBy: "tester" });
    expect(await waitForRun(db, started.runId!)).toBe("COMPLETED");

    expect(server.calls.filter((call) => call.status === 200)).toHaveLength(12);
    // Eight workers wanted eight calls at once; the budget let two through, and kept two going.
    expect(server.maxInFlight()).toBe(2);
    expect(await db.prisma.callLease.count()).toBe(0);
  });

  it("a killed process's slots come free when its leases expire", async () => {
    const killed = processBudget({ ceiling: 2, leaseTtlMs: 600 });
    await killed.budget.acquire();
    await killed.budget.acquire();
    // kill -9: no release, no more renewals, connections gone.
    await killed.budget.close();
    await killed.pool.close();

    const survivor = processBudget({ ceiling: 2, leaseTtlMs: 600 });
    const { ms } = await timeToAcquire(survivor.budget);
    expect(ms).toBeGreaterThan(300);
    expect(ms).toBeLessThan(2_000);
  });

  it("a live process keeps its slots past the lease time by renewing them", async () => {
    const holder = processBudget({ ceiling: 1, leaseTtlMs: 300 });
    const slot = await holder.budget.acquire();
    const other = processBudget({ ceiling: 1, leaseTtlMs: 300 });
    const waiting = timeToAcquire(other.budget);

    await new Promise((resolve) => setTimeout(resolve, 900));
    await slot.release({ kind: "ok" });
    const { ms } = await waiting;
    expect(ms).toBeGreaterThan(850);
  });

  it("a refusal halves the budget for every process and nobody calls before its retry-after", async () => {
    const a = processBudget({ ceiling: 4 });
    const b = processBudget({ ceiling: 4 });
    const refused = await a.budget.acquire();
    await refused.release({ kind: "refused", retryAfterMs: 700 });

    const { slot, ms } = await timeToAcquire(b.budget);
    expect(ms).toBeGreaterThan(600);
    expect((await db.prisma.callBudget.findUniqueOrThrow({ where: { name: "anthropic" } })).limit).toBe(2);

    // Two slots now: a third caller waits until one is given back.
    const second = await b.budget.acquire();
    let third: CallSlot | undefined;
    const waiting = a.budget.acquire().then((got) => (third = got));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(third).toBeUndefined();
    await slot.release({ kind: "ok" });
    await waiting;
    expect(third).toBeDefined();
    await second.release({ kind: "ok" });
    await third!.release({ kind: "ok" });
    // 2 + 1/2 + 1/2.5 + 1/2.9: growing back, one slot per round of successes.
    const grown = (await db.prisma.callBudget.findUniqueOrThrow({ where: { name: "anthropic" } })).limit;
    expect(grown).toBeGreaterThan(3);
    expect(grown).toBeLessThan(4);
  });

  it("a call is not held up when the budget's database does not answer: it goes without a slot", async () => {
    const { budget, pool } = processBudget({ ceiling: 1 });
    await pool.close();
    const slot = await budget.acquire();
    await slot.release({ kind: "ok" });
    expect(await db.prisma.callLease.count()).toBe(0);
  });
});
