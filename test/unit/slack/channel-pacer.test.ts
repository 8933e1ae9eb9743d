// The per-channel pacer: a burst goes out at once, then one send per second, in the order asked;
// channels do not wait for each other.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChannelPacer } from "../../../src/slack/channel-pacer.ts";

/** A clock that only moves when someone sleeps: what the pacer would do, without waiting. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now = Math.max(now, now + ms);
    },
    advance: (ms: number) => (now += ms),
  };
}

describe("the Slack channel pacer", () => {
  it("lets a burst of three through at once, then one per second", async () => {
    const clock = fakeClock();
    const pacer = new ChannelPacer({ now: clock.now, sleep: clock.sleep });
    const sentAt: number[] = [];
    for (let i = 0; i < 6; i++) {
      await pacer.take("C1");
      sentAt.push(clock.now());
    }
    expect(sentAt).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it("paces each channel on its own", async () => {
    const clock = fakeClock();
    const pacer = new ChannelPacer({ now: clock.now, sleep: clock.sleep, burst: 1 });
    await pacer.take("C1");
    await pacer.take("C2");
    expect(clock.now()).toBe(0);
  });

  it("after a quiet spell the burst is back", async () => {
    const clock = fakeClock();
    const pacer = new ChannelPacer({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) await pacer.take("C1");
    clock.advance(10_000);
    const before = clock.now();
    for (let i = 0; i < 3; i++) await pacer.take("C1");
    expect(clock.now()).toBe(before);
  });

  it("counts the calls waiting for a channel", async () => {
    const pacer = new ChannelPacer({ intervalMs: 50, burst: 1 });
    const sends = [pacer.take("C1"), pacer.take("C1"), pacer.take("C1")];
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The first went at once; two wait for their turn.
    expect(pacer.waiting("C1")).toBe(2);
    await Promise.all(sends);
    expect(pacer.waiting("C1")).toBe(0);
  });

  it("never sends more than a burst plus one per second in any window, however calls arrive", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }), async (gaps) => {
        const clock = fakeClock();
        const pacer = new ChannelPacer({ now: clock.now, sleep: clock.sleep, burst: 4 });
        const sentAt: number[] = [];
        for (const gap of gaps) {
          clock.advance(gap);
          await pacer.take("C1");
          sentAt.push(clock.now());
        }
        // A window of w ms holds at most burst + floor(w / interval) sends (Slack's fake enforces the same).
        for (let i = 0; i < sentAt.length; i++) {
          for (let j = i; j < sentAt.length; j++) expect(j - i + 1).toBeLessThanOrEqual(4 + Math.floor((sentAt[j]! - sentAt[i]!) / 1000));
        }
      }),
    );
  });
});
