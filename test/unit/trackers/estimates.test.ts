import { describe, expect, it } from "vitest";
import { parseEffort } from "../../../src/effort/effort.ts";
import { originalEstimate } from "../../../src/trackers/jira/original-estimate.ts";
import { linearEstimate, linearPointScale } from "../../../src/trackers/linear/estimate.ts";

describe("effort becomes a Jira original estimate", () => {
  it.each([
    ["XS", "1h"],
    ["S", "2h"],
    ["M", "4h"],
    ["L", "6h"],
    // XL is the full working day the prompt tells Claude about, not two.
    ["xl", "1d"],
    ["huge", "1d"],
    ["4h", "4h"],
    ["8h", "8h"],
    ["1.5h", "1h 30m"],
    ["30m", "30m"],
    ["1 day", "1d"],
    ["half a day", "4h"],
    ["2d", "2d"],
    ["12 hours", "12h"],
  ])("%s → %s", (effort, duration) => {
    const parsed = parseEffort(effort);
    expect(parsed).not.toBeNull();
    expect(originalEstimate(parsed!)).toBe(duration);
  });
});

describe("effort becomes a Linear estimate on the team's scale", () => {
  it.each([
    ["fibonacci", ["XS", "S", "M", "L", "XL"], [1, 2, 3, 5, 8]],
    ["exponential", ["XS", "S", "M", "L", "XL"], [1, 2, 4, 8, 16]],
    ["linear", ["XS", "S", "M", "L", "XL"], [1, 2, 3, 4, 5]],
    ["tShirt", ["XS", "S", "M", "L", "XL"], [1, 2, 3, 5, 8]],
    // Hours go to the nearest size: 3h → M, 6h → L, 40h → XL.
    ["fibonacci", ["1h", "3h", "6h", "40h"], [1, 3, 5, 8]],
  ])("%s: %j → %j", (scale, efforts, estimates) => {
    expect(efforts.map((effort) => linearEstimate(effort, scale))).toEqual(estimates);
  });

  it("a team that does not use estimates gets none", () => {
    expect(linearEstimate("M", "notUsed")).toBeNull();
  });

  it("a missing or unreadable effort sets no estimate", () => {
    expect(linearEstimate(null, "fibonacci")).toBeNull();
    expect(linearEstimate("soon", "fibonacci")).toBeNull();
  });
});

describe("a Linear team's point scale, as a stories run offers it", () => {
  const team = (issueEstimationType: string, extended = false, allowZero = false) => ({
    issueEstimationType,
    issueEstimationExtended: extended,
    issueEstimationAllowZero: allowZero,
  });

  it.each([
    ["fibonacci", false, false, [1, 2, 3, 5, 8]],
    ["fibonacci", true, false, [1, 2, 3, 5, 8, 13, 21]],
    ["exponential", true, true, [0, 1, 2, 4, 8, 16, 32, 64]],
    ["linear", true, false, [1, 2, 3, 4, 5, 6, 7]],
    // T-shirt sizes are stored as Fibonacci values; XXL and XXXL as 13 and 21.
    ["tShirt", true, false, [1, 2, 3, 5, 8, 13, 21]],
  ])("%s, extended %s, zero %s → %j", (type, extended, allowZero, scale) => {
    expect(linearPointScale(team(type, extended, allowZero))).toEqual(scale);
  });

  it("is none for a team that does not use estimates, whatever its other settings", () => {
    expect(linearPointScale(team("notUsed", true, true))).toBeNull();
  });
});
