import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.ts";
import { SpendGuard, utcDay, utcHour, utcMonth, type SpendLimits } from "../../../src/runs/spend-guard.ts";

/** The store's two spend queries, answered from fixed figures; remembers what was asked. */
function store(figures: { tokensSince?: (from: Date) => number; costSince?: (from: Date) => number; others?: number; started?: boolean }) {
  const asked: string[] = [];
  return {
    asked,
    async spendSince(from: Date) {
      asked.push(`spendSince ${from.toISOString()}`);
      return { tokens: figures.tokensSince?.(from) ?? 0, costUsd: figures.costSince?.(from) ?? 0 };
    },
    async slashRunsStartedSince(user: string, runId: string, from: Date) {
      asked.push(`runs ${user} ${runId} ${from.toISOString()}`);
      return { started: figures.started ?? false, others: figures.others ?? 0 };
    },
  };
}

const NOW = new Date("2026-12-31T23:40:00.000Z");
const limits = (overrides: Partial<SpendLimits> = {}): SpendLimits => ({ tokensPerDay: null, usdPerMonth: null, runsPerUserHour: 30, ...overrides });
const slashRun = { id: "run-1", trigger: "SLASH_COMMAND", requestedBy: "U0ALICE" };

describe("UTC periods", () => {
  it("start at the hour, the day and the month in UTC, and reset at the next one, across a year's end", () => {
    expect(utcHour(NOW)).toEqual({ from: new Date("2026-12-31T23:00:00Z"), resetsAt: new Date("2027-01-01T00:00:00Z") });
    expect(utcDay(NOW)).toEqual({ from: new Date("2026-12-31T00:00:00Z"), resetsAt: new Date("2027-01-01T00:00:00Z") });
    expect(utcMonth(NOW)).toEqual({ from: new Date("2026-12-01T00:00:00Z"), resetsAt: new Date("2027-01-01T00:00:00Z") });
    expect(utcMonth(new Date("2027-02-28T12:00:00+05:00")).resetsAt).toEqual(new Date("2027-03-01T00:00:00Z"));
  });
});

describe("SpendGuard", () => {
  it("lets every story start when no limit is reached, counting today's and this month's spend from their starts", async () => {
    const figures = store({ tokensSince: () => 999, costSince: () => 49.99, others: 29 });
    const guard = new SpendGuard({ store: figures, limits: limits({ tokensPerDay: 1000, usdPerMonth: 50 }), now: () => NOW });
    expect(await guard.waitFor(slashRun)).toBeNull();
    expect(figures.asked).toEqual([
      "spendSince 2026-12-31T00:00:00.000Z",
      "spendSince 2026-12-01T00:00:00.000Z",
      "runs U0ALICE run-1 2026-12-31T23:00:00.000Z",
    ]);
  });

  it("holds a story back when today's tokens are spent, saying which limit and when it resets", async () => {
    const guard = new SpendGuard({ store: store({ tokensSince: () => 1_250_000 }), limits: limits({ tokensPerDay: 1_000_000 }), now: () => NOW });
    expect(await guard.waitFor(slashRun)).toEqual({
      limit: "TOKEN_BUDGET_DAILY",
      resetsAt: new Date("2027-01-01T00:00:00Z"),
      reason: "waiting: today's token budget is spent (1,250,000 of 1,000,000 tokens, TOKEN_BUDGET_DAILY); starts by itself at 2027-01-01 00:00 UTC",
    });
  });

  it("holds a story back when this month's cost reached the budget", async () => {
    const guard = new SpendGuard({ store: store({ costSince: () => 200.004 }), limits: limits({ usdPerMonth: 200 }), now: () => new Date("2026-11-26T18:00:00Z") });
    expect(await guard.waitFor({ ...slashRun, trigger: "TRACKER_LABEL" })).toMatchObject({
      limit: "USD_BUDGET_MONTHLY",
      resetsAt: new Date("2026-12-01T00:00:00Z"),
      reason: "waiting: this month's budget is reached (about $200.00 of $200.00, USD_BUDGET_MONTHLY); starts by itself at 2026-12-01 00:00 UTC",
    });
  });

  it("holds back a person's run beyond RUNS_PER_USER_HOURLY, but never a run that has begun or one no person started", async () => {
    const over = new SpendGuard({ store: store({ others: 30 }), limits: limits(), now: () => NOW });
    expect(await over.waitFor(slashRun)).toMatchObject({ limit: "RUNS_PER_USER_HOURLY", resetsAt: new Date("2027-01-01T00:00:00Z") });
    expect((await over.waitFor(slashRun))!.reason).toBe(
      "waiting: the person who started this run has started 30 runs this hour, the most one person may (RUNS_PER_USER_HOURLY); starts by itself at 2027-01-01 00:00 UTC",
    );
    // The next story of a run that has begun (an epic) goes on.
    expect(await new SpendGuard({ store: store({ others: 30, started: true }), limits: limits(), now: () => NOW }).waitFor(slashRun)).toBeNull();
    const label = store({ others: 30 });
    expect(await new SpendGuard({ store: label, limits: limits(), now: () => NOW }).waitFor({ ...slashRun, trigger: "TRACKER_LABEL" })).toBeNull();
    expect(label.asked).toEqual([]);
  });
});

describe("spend configuration", () => {
  it("has no budgets by default and 30 runs per person per hour", () => {
    expect(parseConfig({}).spend).toEqual({ tokensPerDay: null, usdPerMonth: null, runsPerUserHour: 30 });
    expect(parseConfig({ TOKEN_BUDGET_DAILY: "2000000", USD_BUDGET_MONTHLY: "49.50", RUNS_PER_USER_HOURLY: "5" }).spend).toEqual({
      tokensPerDay: 2_000_000,
      usdPerMonth: 49.5,
      runsPerUserHour: 5,
    });
  });

  it.each([
    ["TOKEN_BUDGET_DAILY", "0", "TOKEN_BUDGET_DAILY must be a positive integer"],
    ["TOKEN_BUDGET_DAILY", "1e6", "TOKEN_BUDGET_DAILY must be a positive integer"],
    ["USD_BUDGET_MONTHLY", "$200", "USD_BUDGET_MONTHLY must be an amount in US dollars such as 200 or 49.50"],
    ["USD_BUDGET_MONTHLY", "0", "USD_BUDGET_MONTHLY must be an amount in US dollars such as 200 or 49.50"],
    ["RUNS_PER_USER_HOURLY", "0", "RUNS_PER_USER_HOURLY must be an integer from 1 to 10000"],
  ])("refuses %s=%s with one line", (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });
});
