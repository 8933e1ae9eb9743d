import { describe, expect, it } from "vitest";
import { jiraDuration, parseEffort } from "../../../src/trackers/effort.ts";
import { linearEstimate } from "../../../src/trackers/linear/estimate.ts";

describe("effort becomes a Jira original estimate", () => {
  it.each([
    ["XS", "1h"],
    ["S", "2h"],
    ["M", "4h"],
    ["L", "1d"],
    ["xl", "2d"],
    ["4h", "4h"],
    ["1.5h", "1h 30m"],
    ["30m", "30m"],
    ["2d", "2d"],
    ["12 hours", "12h"],
  ])("%s → %s", (effort, duration) => {
    const parsed = parseEffort(effort);
    expect(parsed).not.toBeNull();
    expect(jiraDuration(parsed!)).toBe(duration);
  });

  it.each([null, "", "huge", "0h", "-2h", "XXL"])("%j has no estimate", (effort) => {
    expect(parseEffort(effort)).toBeNull();
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

  it("a missing effort sets no estimate", () => {
    expect(linearEstimate(null, "fibonacci")).toBeNull();
  });
});
