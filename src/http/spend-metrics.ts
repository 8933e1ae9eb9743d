// The model's spend in /metrics, read from the database at each scrape: tokens and estimated
// cost of the current UTC day and month, and the share of each budget used (only for budgets
// that are set).
import { Gauge, type Registry } from "prom-client";
import type { PeriodSpend, SpendUsage } from "../runs/spend-guard.ts";

export function registerSpendMetrics(registry: Registry, usage: () => Promise<SpendUsage | null>): void {
  // One read per scrape, shared by the three gauges (each collects on its own).
  let current: Promise<SpendUsage | null> | null = null;
  const read = () => {
    current ??= usage().catch(() => null).finally(() => setTimeout(() => (current = null), 1_000).unref());
    return current;
  };
  const byPeriod = (name: string, help: string, value: (period: PeriodSpend) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["period"] as const,
      registers: [registry],
      async collect() {
        const spend = await read();
        if (!spend) return;
        this.set({ period: "day" }, value(spend.day));
        this.set({ period: "month" }, value(spend.month));
      },
    });
  byPeriod("subtasks_model_tokens", "Model tokens (input and output) of the stories started in the current UTC period", (period) => period.tokens);
  byPeriod("subtasks_model_cost_usd", "Estimated model cost in US dollars of the stories started in the current UTC period", (period) => period.costUsd);
  new Gauge({
    name: "subtasks_budget_used_ratio",
    help: "Share of each budget used in its current UTC period (1 = spent; new stories wait)",
    labelNames: ["budget"] as const,
    registers: [registry],
    async collect() {
      const spend = await read();
      if (!spend) return;
      if (spend.limits.tokensPerDay !== null) this.set({ budget: "TOKEN_BUDGET_DAILY" }, spend.day.tokens / spend.limits.tokensPerDay);
      if (spend.limits.usdPerMonth !== null) this.set({ budget: "USD_BUDGET_MONTHLY" }, spend.month.costUsd / spend.limits.usdPerMonth);
    },
  });
}
