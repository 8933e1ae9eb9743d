import { describe, expect, it, vi } from "vitest";
import type { Job } from "pg-boss";
import { RESOLVE_QUEUE, RunQueue, STORY_QUEUE } from "../../../src/runs/queue.ts";
import { silentLogger } from "../../support/logger.ts";

type Handler = (jobs: Job<object>[]) => Promise<void>;

/** A RunQueue whose pg-boss registers workers without a database and records who is woken. */
function queueWithWorkers() {
  const queue = new RunQueue({ databaseUrl: "postgresql://unused@127.0.0.1:1/none", logger: silentLogger });
  const handlers = new Map<string, Handler>();
  let next = 0;
  vi.spyOn(queue.boss, "work").mockImplementation((async (name: string, _options: unknown, handler: Handler) => {
    const id = `${name}#${next++}`;
    handlers.set(id, handler);
    return id;
  }) as never);
  const woken: string[] = [];
  vi.spyOn(queue.boss, "notifyWorker").mockImplementation((id: string) => void woken.push(id));
  return { queue, handlers, woken };
}

const job = (id: string) => ({ id, name: STORY_QUEUE, data: { runStoryId: id } }) as unknown as Job<object>;

describe("waking queue workers", () => {
  it("wakes only the workers of the queue that got the jobs, one per job", async () => {
    const { queue, woken } = queueWithWorkers();
    await queue.work(RESOLVE_QUEUE, 1, async () => undefined);
    await queue.work(STORY_QUEUE, 4, async () => undefined);

    queue.wake(RESOLVE_QUEUE, 3);
    expect(woken).toEqual([`${RESOLVE_QUEUE}#0`]);

    woken.length = 0;
    queue.wake(STORY_QUEUE, 2);
    expect(woken).toEqual([`${STORY_QUEUE}#1`, `${STORY_QUEUE}#2`]);
  });

  it("skips workers busy with a job, which fetch again by themselves when they finish", async () => {
    const { queue, handlers, woken } = queueWithWorkers();
    let finish = () => {};
    await queue.work(STORY_QUEUE, 2, () => new Promise<void>((resolve) => (finish = resolve)));
    const running = handlers.get(`${STORY_QUEUE}#0`)!([job("rs-1")]);

    queue.wake(STORY_QUEUE, 2);
    expect(woken).toEqual([`${STORY_QUEUE}#1`]);

    woken.length = 0;
    finish();
    await running;
    expect(woken).toEqual([`${STORY_QUEUE}#0`]);
  });
});
