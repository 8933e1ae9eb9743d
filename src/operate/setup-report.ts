// What `subtasks setup <tracker>` found, did or would do, as lines an operator reads.

export type StepOutcome = "exists" | "created" | "would create" | "missing";

export interface SetupStep {
  /** "label ai:subtasks (workspace)", "webhook https://bot.example.com/webhooks/linear (all public teams)" */
  readonly what: string;
  readonly outcome: StepOutcome;
  /** For "missing": what the operator does about it. */
  readonly fix?: string;
}

export interface SetupReport {
  readonly steps: readonly SetupStep[];
  /** Lines for the environment (LINEAR_WEBHOOK_SECRET=…), printed last. */
  readonly envLines: readonly string[];
  /** Set when the credentials may not change the tracker: why, and the README's manual steps. */
  readonly refused?: { readonly reason: string; readonly manualSteps: readonly string[] };
}

const MARK: Record<StepOutcome, string> = { exists: "=", created: "+", "would create": "~", missing: "!" };

export function renderSetupReport(tracker: string, report: SetupReport, dryRun: boolean): string {
  const lines: string[] = [];
  for (const step of report.steps) {
    lines.push(`${MARK[step.outcome]} ${step.what}: ${step.outcome}`);
    if (step.fix) lines.push(`    ${step.fix}`);
  }
  if (report.refused) {
    if (lines.length > 0) lines.push("");
    lines.push(`${tracker}: ${report.refused.reason}.`, "", "Do it by hand instead (README, Tracker webhooks):");
    report.refused.manualSteps.forEach((step, index) => lines.push(`  ${index + 1}. ${step}`));
    return lines.join("\n");
  }
  const changes = report.steps.filter((step) => step.outcome === "created" || step.outcome === "would create").length;
  lines.push("", dryRun ? `dry run: ${changes} change(s) would be made, none was` : changes === 0 ? "nothing to change: everything was already there" : `${changes} change(s) made`);
  if (report.envLines.length > 0) lines.push("", "Add to the environment (.env), then restart the bot:", ...report.envLines.map((line) => `  ${line}`));
  return lines.join("\n");
}

/** Exit code of a setup: 0 when nothing is missing and it was not refused. */
export function setupExitCode(report: SetupReport): number {
  return report.refused || report.steps.some((step) => step.outcome === "missing") ? 1 : 0;
}
