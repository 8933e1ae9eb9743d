// Pacing from a provider's headroom: full speed while a fifth or more of the budget is left;
// below that, a bucket is used at the rate it refills and a window's rest is spread until its reset.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOW_WATER, paceFor, paceOf, type Refill } from "../../../src/budget/headroom.ts";

describe("pacing from a provider's headroom", () => {
  it("goes at full speed while a fifth or more of the budget is left", () => {
    expect(LOW_WATER).toBe(0.2);
    for (const refill of ["continuous", "window"] as const) {
      expect(paceOf({ limit: 5000, remaining: 1000, resetInMs: 600_000, refill })).toBe(0);
      expect(paceOf({ limit: 50, remaining: 49, resetInMs: 1_200, refill })).toBe(0);
    }
  });

  it("uses a bucket at about the rate it refills once less than a fifth is left, slower the emptier it is", () => {
    // 50 a minute, one back every 1.2 s. Just under the mark: that rate.
    expect(paceOf({ limit: 50, remaining: 9.99, resetInMs: 48_012, refill: "continuous" })).toBeCloseTo(1_200, -1);
    // Half-way down: 1.5 × as slow. Empty: twice as slow, so the bucket fills back towards the mark.
    expect(paceOf({ limit: 50, remaining: 5, resetInMs: 54_000, refill: "continuous" })).toBe(1_800);
    expect(paceOf({ limit: 50, remaining: 0, resetInMs: 60_000, refill: "continuous" })).toBe(2_400);
  });

  it("spreads what is left of a window evenly until its reset, and waits for the reset when nothing is", () => {
    expect(paceOf({ limit: 5000, remaining: 100, resetInMs: 50_000, refill: "window" })).toBe(500);
    expect(paceOf({ limit: 5000, remaining: 0, resetInMs: 12_000, refill: "window" })).toBe(12_000);
  });

  it("ignores a budget that has already reset or that it cannot read", () => {
    expect(paceOf({ limit: 5000, remaining: 0, resetInMs: -5, refill: "window" })).toBe(0);
    expect(paceOf({ limit: 0, remaining: 0, resetInMs: 1000, refill: "window" })).toBe(0);
    expect(paceOf({ limit: 5000, remaining: Number.NaN, resetInMs: 1000, refill: "continuous" })).toBe(0);
  });

  it("follows the tightest of several budgets, in whole ms", () => {
    const requests = { limit: 5000, remaining: 4000, resetInMs: 60_000, refill: "continuous" as const };
    const tokens = { limit: 40_000, remaining: 4_000, resetInMs: 54_000, refill: "continuous" as const };
    // Tokens: 36,000 back in 54 s is 1.5 ms each, × 1.5 half-way below the mark: 2.25, rounded up.
    expect(paceFor([requests, tokens])).toBe(3);
    expect(paceFor([])).toBe(0);
  });

  it("paced, never runs a bucket dry nor a window out before its reset", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 100_000 }), fc.double({ min: 0, max: 0.2, noNaN: true }), fc.integer({ min: 1_000, max: 3_600_000 }), (limit, share, resetInMs) => {
        const remaining = Math.floor(limit * share);
        // Paced means below the mark; at the mark itself the bot still goes at full speed.
        fc.pre(remaining < limit * LOW_WATER);
        // A bucket that is full again in resetInMs refills at this many per ms.
        const rate = (limit - remaining) / resetInMs;
        const pace = paceOf({ limit, remaining, resetInMs, refill: "continuous" as Refill });
        let tokens = remaining;
        for (let call = 0; call < 200; call++) {
          tokens = Math.min(limit, tokens + rate * pace) - 1;
          expect(tokens).toBeGreaterThan(remaining - 1 - 1e-6);
        }
        const windowPace = paceOf({ limit, remaining, resetInMs, refill: "window" });
        if (remaining > 0) expect(remaining * windowPace).toBeLessThanOrEqual(resetInMs + 1e-6);
      }),
    );
  });
});
