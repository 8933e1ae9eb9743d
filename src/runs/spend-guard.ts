// The spend guard: before a story starts generating, the model's spend so far this UTC day and
// month (counted from what RunStory records) and the runs its requester started this UTC hour
// are held against the limits. A story over a limit waits in PENDING until the limit resets;
// stories already generating or saving always finish, so a period may end slightly over.
import type { RunStore } from "./store.ts";

export interface SpendLimits {
  /** Tokens per UTC day, all runs together; null: no limit. */
  readonly tokensPerDay: number | null;
  /** Estimated US dollars per UTC month; null: no limit. */
  readonly usdPerMonth: number | null;
  /** Runs one Slack user may start per UTC hour. */
  readonly runsPerUserHour: number;
}

export type SpendLimitName = "TOKEN_BUDGET_DAILY" | "USD_BUDGET_MONTHLY" | "RUNS_PER_USER_HOURLY";

export interface SpendWait {
  readonly limit: SpendLimitName;
  readonly resetsAt: Date;
  /** What people read in Slack: which limit, and when it resets. */
  readonly reason: string;
}

export interface PeriodSpend {
  readonly from: Date;
  readonly resetsAt: Date;
  readonly tokens: number;
  readonly costUsd: number;
}

export interface SpendUsage {
  readonly limits: SpendLimits;
  readonly day: PeriodSpend;
  readonly month: PeriodSpend;
}

export function utcHour(now: Date): { from: Date; resetsAt: Date } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours()));
  return { from, resetsAt: new Date(from.getTime() + 3_600_000) };
}

export function utcDay(now: Date): { from: Date; resetsAt: Date } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { from, resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)) };
}

export function utcMonth(now: Date): { from: Date; resetsAt: Date } {
  return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
}

/** "2026-11-27 00:00 UTC". */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const count = (value: number) => Math.round(value).toLocaleString("en-US");
const usd = (value: number) => `$${value.toFixed(2)}`;

export class SpendGuard {
  private readonly store: Pick<RunStore, "spendSince" | "slashRunsStartedSince">;
  readonly limits: SpendLimits;
  private readonly now: () => Date;

  constructor(deps: { store: Pick<RunStore, "spendSince" | "slashRunsStartedSince">; limits: SpendLimits; now?: () => Date }) {
    this.store = deps.store;
    this.limits = deps.limits;
    this.now = deps.now ?? (() => new Date());
  }

  /** The spend of the current UTC day and month. */
  async usage(): Promise<SpendUsage> {
    const now = this.now();
    const day = utcDay(now);
    const month = utcMonth(now);
    const [daySpend, monthSpend] = await Promise.all([this.store.spendSince(day.from), this.store.spendSince(month.from)]);
    return { limits: this.limits, day: { ...day, ...daySpend }, month: { ...month, ...monthSpend } };
  }

  /** Why a story of this run may not start now, or null when it may. */
  async waitFor(run: { readonly id: string; readonly trigger: string; readonly requestedBy: string }): Promise<SpendWait | null> {
    const { tokensPerDay, usdPerMonth, runsPerUserHour } = this.limits;
    const now = this.now();
    if (tokensPerDay !== null) {
      const day = utcDay(now);
      const { tokens } = await this.store.spendSince(day.from);
      if (tokens >= tokensPerDay) {
        return {
          limit: "TOKEN_BUDGET_DAILY",
          resetsAt: day.resetsAt,
          reason: `waiting: today's token budget is spent (${count(tokens)} of ${count(tokensPerDay)} tokens, TOKEN_BUDGET_DAILY); starts by itself at ${utcMinute(day.resetsAt)}`,
        };
      }
    }
    if (usdPerMonth !== null) {
      const month = utcMonth(now);
      const { costUsd } = await this.store.spendSince(month.from);
      if (costUsd >= usdPerMonth) {
        return {
          limit: "USD_BUDGET_MONTHLY",
          resetsAt: month.resetsAt,
          reason: `waiting: this month's budget is reached (about ${usd(costUsd)} of ${usd(usdPerMonth)}, USD_BUDGET_MONTHLY); starts by itself at ${utcMinute(month.resetsAt)}`,
        };
      }
    }
    if (run.trigger === "SLASH_COMMAND") {
      const hour = utcHour(now);
      const { started, others } = await this.store.slashRunsStartedSince(run.requestedBy, run.id, hour.from);
      // A run that has begun goes on: the limit counts runs, not stories.
      if (!started && others >= runsPerUserHour) {
        return {
          limit: "RUNS_PER_USER_HOURLY",
          resetsAt: hour.resetsAt,
          reason: `waiting: the person who started this run has started ${count(others)} runs this hour, the most one person may (RUNS_PER_USER_HOURLY); starts by itself at ${utcMinute(hour.resetsAt)}`,
        };
      }
    }
    return null;
  }
}
