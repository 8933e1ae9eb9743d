import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunks } from "../../../src/collections/chunks.ts";

describe("chunks", () => {
  it("keeps every item once, in order, in chunks of the size but the last", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 20 }), (items, size) => {
        const parts = chunks(items, size);
        expect(parts.flat()).toEqual(items);
        expect(parts.slice(0, -1).every((part) => part.length === size)).toBe(true);
        expect(parts.every((part) => part.length >= 1 && part.length <= size)).toBe(true);
      }),
    );
  });

  it("refuses a size that would never end", () => {
    expect(() => chunks([1, 2], 0)).toThrow(RangeError);
  });
});
