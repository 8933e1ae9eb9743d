import { isRunOver, type RunState } from "../../src/runs/states.ts";
import type { TrackerRef } from "../../src/trackers/types.ts";
import type { TestDatabase } from "./database.ts";

export function linearRef(key: string): TrackerRef {
  return { tracker: "linear", key, kind: "issue", input: key };
}

/** Waits until the run reaches a final status (or, with `until`, any condition). */
export async function waitForRun(
  db: TestDatabase,
  runId: string,
  until: (status: RunState) => boolean = isRunOver,
  timeoutMs = 20_000,
): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (until(run.status)) return run.status;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
