import { describe, expect, it } from "vitest";
import { normaliseEffort } from "../../../src/generation/effort.ts";

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
