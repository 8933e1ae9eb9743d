import { describe, expect, it } from "vitest";
import { expandLimit } from "../../../src/trackers/support/expand-limit.ts";
import { mapWithLimit } from "../../../src/trackers/support/map-with-limit.ts";

describe("per-item writes run a few at a time", () => {
  it("keeps at most `limit` calls in flight and the results in item order", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithLimit([5, 1, 4, 2, 3, 0], 3, async (delay, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight--;
      return `item ${index}`;
    });
    expect(results).toEqual(["item 0", "item 1", "item 2", "item 3", "item 4", "item 5"]);
    expect(most).toBe(3);
  });

  it("an empty list makes no call", async () => {
    expect(await mapWithLimit([], 3, async () => "never")).toEqual([]);
  });
});

describe("the expansion cap", () => {
  it.each([
    [undefined, 50],
    [10, 10],
    [0, 1],
    [7.9, 7],
    [Number.NaN, 50],
  ])("%s → %s", (given, limit) => {
    expect(expandLimit(given)).toBe(limit);
  });
});
