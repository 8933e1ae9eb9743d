import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../src/http/retry-after.ts";

describe("the retry-after header", () => {
  it("is read as seconds", () => {
    expect(parseRetryAfter("7")).toBe(7_000);
    expect(parseRetryAfter("0.5")).toBe(500);
    expect(parseRetryAfter("0")).toBe(0);
  });

  it("is read as an HTTP date", () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now)).toBe(0);
  });

  it("is ignored when absent or unreadable", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-3")).toBeUndefined();
  });
});
