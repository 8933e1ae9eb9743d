// What the eval prints at the end: per story, the tokens, cost and duration of each effort level,
// so a default for ANTHROPIC_EFFORT can be chosen from figures.
import { formatCost, formatDuration, renderTable } from "../../src/cli/table.ts";
import type { ReasoningEffort } from "../../src/generation/model-client.ts";

export interface EvalRow {
  readonly story: string;
  /** undefined: ANTHROPIC_EFFORT, or the API's default. */
  readonly effort: ReasoningEffort | undefined;
  /** The rest are null when the story failed at this level. */
  readonly subtasks: number | null;
  readonly tokens: number | null;
  readonly costUsd: number | null;
  readonly durationMs: number | null;
  /** Checks that did not hold, or the failure. */
  readonly problems: number;
}

export function effortLabel(effort: ReasoningEffort | undefined, configured: ReasoningEffort | undefined): string {
  if (effort) return effort;
  return configured ? `${configured} (ANTHROPIC_EFFORT)` : "API default";
}

/** One table: a row per story and effort level, then the totals of each level. */
export function renderEffortReport(rows: readonly EvalRow[], configured: ReasoningEffort | undefined): string {
  const count = (value: number | null) => (value === null ? "-" : String(value));
  const body = rows.map((row) => [
    row.story,
    effortLabel(row.effort, configured),
    count(row.subtasks),
    count(row.tokens),
    formatCost(row.costUsd),
    formatDuration(row.durationMs),
    row.subtasks === null ? "failed" : row.problems === 0 ? "ok" : `${row.problems} failed`,
  ]);
  const levels = [...new Set(rows.map((row) => row.effort))];
  const totals = levels.map((effort) => {
    const done = rows.filter((row) => row.effort === effort && row.subtasks !== null);
    const sum = (pick: (row: EvalRow) => number | null) => done.reduce((total, row) => total + (pick(row) ?? 0), 0);
    const stories = rows.filter((row) => row.effort === effort).length;
    return [
      `total (${done.length}/${stories} stories)`,
      effortLabel(effort, configured),
      String(sum((row) => row.subtasks)),
      String(sum((row) => row.tokens)),
      formatCost(sum((row) => row.costUsd)),
      formatDuration(sum((row) => row.durationMs)),
      "",
    ];
  });
  return renderTable(["story", "effort", "subtasks", "tokens", "cost", "duration", "checks"], [...body, ...totals]);
}
