// `subtasks doctor` and the start-up summary: live checks of what the environment configures,
// each a line that passes or fails with the one thing to do about it.
import { withTimeout } from "../async/deadline.ts";
import { isAppError } from "../errors/app-error.ts";

export interface CheckOutcome {
  readonly ok: boolean;
  /** What was found: "signed in as @subtasks in Acme", or what is wrong. */
  readonly detail: string;
  /** For a failed line: the one thing to do. */
  readonly fix?: string;
}

export interface CheckResult extends CheckOutcome {
  readonly name: string;
  /** Not run because a check it needs failed: the one bad credential is one failed line. */
  readonly skipped?: boolean;
}

export interface Check {
  /** "Slack: auth.test" */
  readonly name: string;
  /** Left out of the start-up summary: it costs money, writes, or takes long. */
  readonly thorough?: boolean;
  /** The name of a check that must pass first (the account before its labels); not run when it failed. */
  readonly needs?: string;
  run(): Promise<CheckOutcome>;
}

export const passed = (detail: string): CheckOutcome => ({ ok: true, detail });
export const failed = (detail: string, fix: string): CheckOutcome => ({ ok: false, detail, fix });

const CHECK_TIMEOUT_MS = 20_000;

/**
 * Runs the checks one after another (several hit the same provider, whose rate limit they
 * share), each bounded in time; a check that throws fails with the error's message.
 */
export async function runChecks(checks: readonly Check[], options: { thorough: boolean; timeoutMs?: number }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (check.thorough && !options.thorough) continue;
    const needed = check.needs === undefined ? undefined : results.find((result) => result.name === check.needs);
    if (needed && !needed.ok) {
      results.push({ name: check.name, ok: false, skipped: true, detail: `not checked: ${check.needs} failed` });
      continue;
    }
    const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
    try {
      const outcome = await withTimeout(check.run(), timeoutMs, () => new Error(`no answer within ${timeoutMs / 1000} s`));
      results.push({ name: check.name, ...outcome });
    } catch (error) {
      results.push({ name: check.name, ...failed(messageOf(error), "check the network and the settings named above, then run `subtasks doctor` again") });
    }
  }
  return results;
}

function messageOf(error: unknown): string {
  if (isAppError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The checklist `subtasks doctor` prints: one line per check, a fix under each failed one. */
export function renderChecklist(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.ok ? "✓" : result.skipped ? "-" : "✗"} ${result.name}: ${result.detail}`);
    if (!result.ok && result.fix) lines.push(`    fix: ${result.fix}`);
  }
  const failures = results.filter((result) => !result.ok && !result.skipped).length;
  lines.push("", failures === 0 ? `all ${results.length} checks passed` : `${failures} of ${results.length} checks failed`);
  return lines.join("\n");
}

/** The start-up log's one line: "8 checks passed" or which failed. */
export function summaryLine(results: readonly CheckResult[]): string {
  const failures = results.filter((result) => !result.ok && !result.skipped);
  if (failures.length === 0) return `${results.length} check${results.length === 1 ? "" : "s"} passed`;
  return `${failures.length} of ${results.length} checks failed: ${failures.map((result) => `${result.name} (${result.detail})`).join("; ")}; run \`subtasks doctor\` for the fixes`;
}
