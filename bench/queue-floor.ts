// The floor of bench:runs: the same queue (pg-boss through RunQueue, on the same database, with
// the same workers and story slots as the run service) running jobs that only wait, in a slot, as
// long as a story's model and tracker calls take, with no database work of their own. What it loses against the ideal is the queue's own
// cost (fetch, complete, wake-ups) and timer lateness on this machine: no story step can do better.
import { randomUUID } from "node:crypto";
import type { Logger } from "../src/log/logger.ts";
import { RunQueue, STORY_QUEUE } from "../src/runs/queue.ts";
import { createStorySlots, STORY_WORKERS_PER_SLOT } from "../src/runs/story-slots.ts";

export async function measureQueueFloor(options: { databaseUrl: string; logger: Logger; jobs: number; concurrency: number; jobMs: number }): Promise<number> {
  const queue = new RunQueue({ databaseUrl: options.databaseUrl, logger: options.logger });
  await queue.start();
  let handled = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const slots = createStorySlots(options.concurrency);
  await queue.work(STORY_QUEUE, options.concurrency * STORY_WORKERS_PER_SLOT, async () => {
    const turn = await slots.turn();
    await turn.takeSlot();
    await new Promise((resolve) => setTimeout(resolve, options.jobMs));
    turn.end();
    handled += 1;
    if (handled === options.jobs) finished();
  });
  const startedAt = performance.now();
  await queue.sendStories(Array.from({ length: options.jobs }, () => ({ runStoryId: "floor", jobId: randomUUID() })));
  await allDone;
  const wallMs = performance.now() - startedAt;
  await queue.stop({ timeoutMs: 5_000 });
  return wallMs;
}
