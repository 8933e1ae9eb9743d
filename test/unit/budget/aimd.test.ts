// The AIMD limit of a call budget: halves on a refusal (once per round), grows one slot per
// round of successes, never below one slot nor above the operator's ceiling.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { afterRefusal, afterSuccess, slotsOf, type AimdState } from "../../../src/budget/aimd.ts";

const full: AimdState = { limit: 8, shrunkAt: null };

describe("the AIMD call budget", () => {
  it("halves on a refusal and grows back one slot per round of successes", () => {
    let state = afterRefusal(full, 1_000, 1_010);
    expect(slotsOf(state, 8)).toBe(4);
    // Each success adds 1/limit: a round of successes (one per slot) adds about one slot.
    for (let i = 0; i < 4; i++) state = afterSuccess(state, 8);
    expect(state.limit).toBeCloseTo(4.92, 2);
    state = afterSuccess(state, 8);
    expect(slotsOf(state, 8)).toBe(5);
    for (let i = 0; i < 100; i++) state = afterSuccess(state, 8);
    expect(state.limit).toBe(8);
  });

  it("counts refusals of calls sent before the last halving once: they were sent under the old limit", () => {
    const once = afterRefusal(full, 1_000, 2_000);
    const stale = afterRefusal(once, 1_500, 2_100);
    expect(stale.limit).toBe(4);
    const fresh = afterRefusal(once, 2_050, 2_200);
    expect(fresh.limit).toBe(2);
  });

  it("never goes below one slot nor above the ceiling, whatever the outcomes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.boolean(), { maxLength: 300 }), (ceiling, outcomes) => {
        let state: AimdState = { limit: ceiling, shrunkAt: null };
        let clock = 0;
        for (const ok of outcomes) {
          clock += 10;
          state = ok ? afterSuccess(state, ceiling) : afterRefusal(state, clock, clock + 5);
          expect(slotsOf(state, ceiling)).toBeGreaterThanOrEqual(1);
          expect(slotsOf(state, ceiling)).toBeLessThanOrEqual(ceiling);
        }
      }),
    );
  });

  it("a process with a lower ceiling than the shared limit uses its own", () => {
    expect(slotsOf({ limit: 16, shrunkAt: null }, 4)).toBe(4);
  });
});
