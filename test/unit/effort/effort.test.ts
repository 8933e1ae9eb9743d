import { describe, expect, it } from "vitest";
import { HOURS_PER_DAY, SIZE_HOURS, TSHIRT_SIZES, normaliseEffort, parseEffort, sizeForHours } from "../../../src/effort/effort.ts";

describe("the effort table", () => {
  it("gives each size its hours, XL being one 8-hour working day", () => {
    expect(SIZE_HOURS).toEqual({ XS: 1, S: 2, M: 4, L: 6, XL: 8 });
    expect(HOURS_PER_DAY).toBe(8);
  });

  it("reads each size's own hours back as that size", () => {
    expect(TSHIRT_SIZES.map((size) => sizeForHours(SIZE_HOURS[size]))).toEqual([...TSHIRT_SIZES]);
  });

  it.each([
    [0.25, "XS"],
    [1.4, "XS"],
    [1.5, "S"],
    [3, "M"],
    [5, "L"],
    [7, "XL"],
    [40, "XL"],
  ])("rounds %s hours to the nearest size on a log scale, %s", (hours, size) => {
    expect(sizeForHours(hours)).toBe(size);
  });
});

describe("effort text", () => {
  it.each([
    ["XL", { size: "XL", hours: 8, given: "size" }],
    ["l", { size: "L", hours: 6, given: "size" }],
    ["4h", { size: "M", hours: 4, given: "hours" }],
    ["90 min", { size: "S", hours: 1.5, given: "minutes" }],
    ["2d", { size: "XL", hours: 16, given: "days" }],
    ["half a day", { size: "M", hours: 4, given: "days" }],
    ["3-5h", { size: "M", hours: 4, given: "hours" }],
  ])("%j states %j", (text, effort) => {
    expect(parseEffort(text)).toEqual(effort);
  });

  it.each([null, undefined, "", "   ", "big-ish", "soon", "-2h", "0", "0h", "XXL"])("%j states no effort", (text) => {
    expect(parseEffort(text)).toBeNull();
  });
});

describe("effort on the T-shirt scale", () => {
  it.each([
    ["XS", "XS"],
    ["xs", "XS"],
    ["Extra small", "XS"],
    ["x-small", "XS"],
    ["s", "S"],
    ["Small", "S"],
    ["medium", "M"],
    [" M ", "M"],
    ["Large", "L"],
    ["XL", "XL"],
    ["extra-large", "XL"],
  ])("reads %j as %s", (raw, size) => {
    expect(normaliseEffort(raw, "tshirt")).toBe(size);
  });

  it.each([
    ["1h", "XS"],
    ["30m", "XS"],
    ["2 h", "S"],
    ["3h", "M"],
    ["4 hours", "M"],
    ["half a day", "M"],
    ["6h", "L"],
    ["1 day", "XL"],
    ["3-5h", "M"],
  ])("maps hours %j to the nearest size, %s", (raw, size) => {
    expect(normaliseEffort(raw, "tshirt")).toBe(size);
  });
});

describe("effort in hours", () => {
  it.each([
    ["4", "4h"],
    ["4 h", "4h"],
    ["4h", "4h"],
    ["2.5 hrs", "2.5h"],
    ["1,5 Stunden", "1.5h"],
    ["90 min", "1.5h"],
    ["half a day", "4h"],
    ["1 day", "8h"],
    ["0.2h", "0.5h"],
    ["3.2h", "3h"],
    ["two hours", "2h"],
  ])("reads %j as %s", (raw, hours) => {
    expect(normaliseEffort(raw, "hours")).toBe(hours);
  });

  it.each([
    ["XS", "1h"],
    ["M", "4h"],
    ["Large", "6h"],
    ["XL", "8h"],
  ])("maps the size %j to its hours, %s", (raw, hours) => {
    expect(normaliseEffort(raw, "hours")).toBe(hours);
  });
});

describe("text that is no effort", () => {
  it.each(["", "   ", "big-ish", "soon", "-2h", "0"])("is rejected: %j", (raw) => {
    expect(normaliseEffort(raw, "tshirt")).toBeNull();
    expect(normaliseEffort(raw, "hours")).toBeNull();
  });
});
