import { describe, expect, it } from "vitest";
import { createStorySlots, poolSizeFor, STORY_WORKERS_PER_SLOT } from "../../../src/runs/story-slots.ts";

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("story slots", () => {
  it("lets the next story claim while the slot's story writes its last, and gives it the slot once that is written", async () => {
    const slots = createStorySlots(1);
    const first = await slots.turn();
    await first.takeSlot();

    const secondTurn = slots.turn();
    expect(await settled(secondTurn)).toBe(false);

    first.passTurn();
    expect(await settled(secondTurn)).toBe(true);
    const second = await secondTurn;
    const secondSlot = second.takeSlot();
    expect(await settled(secondSlot)).toBe(false);

    first.end();
    expect(await settled(secondSlot)).toBe(true);
  });

  it("never has more stories in their slots, nor more claimed and waiting, than there are slots", async () => {
    const slots = createStorySlots(2);
    const turns = await Promise.all([slots.turn(), slots.turn()]);
    await Promise.all(turns.map((turn) => turn.takeSlot()));
    for (const turn of turns) turn.passTurn();

    const waiting = await Promise.all([slots.turn(), slots.turn()]);
    const third = slots.turn();
    expect(await settled(third)).toBe(false);
    const waitingSlots = waiting.map((turn) => turn.takeSlot());
    expect(await settled(Promise.race(waitingSlots))).toBe(false);

    turns[0]!.end();
    expect(await settled(waitingSlots[0]!)).toBe(true);
    expect(await settled(waitingSlots[1]!)).toBe(false);
    expect(await settled(third)).toBe(false);
  });

  it("gives a turn back once however often a story ends, also when it ended without a slot (its claim was lost)", async () => {
    const slots = createStorySlots(1);
    const lost = await slots.turn();
    lost.end();
    lost.end();

    const next = await slots.turn();
    await next.takeSlot();
    const after = slots.turn();
    expect(await settled(after)).toBe(false);
    next.end();
    next.end();
    const last = await after;
    await last.takeSlot();
    expect(await settled(slots.turn())).toBe(false);
  });
});

describe("the shared pool's size", () => {
  it("has a connection for every story worker and some beside them, and never fewer than ten", () => {
    for (const runConcurrency of [0, 1, 2, 4, 8, 16, 64]) {
      const size = poolSizeFor(runConcurrency);
      expect(size).toBeGreaterThanOrEqual(10);
      expect(size).toBeGreaterThan(runConcurrency * STORY_WORKERS_PER_SLOT);
    }
    expect(poolSizeFor(4)).toBe(14);
  });
});
