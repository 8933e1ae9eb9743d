import { describe, expect, it } from "vitest";
import { SIZE_HOURS } from "../../../src/effort/effort.ts";
import { EFFORT_SCALES_IN_WORDS, describeEffortScale } from "../../../src/generation/effort-wording.ts";
import { SYSTEM_PROMPT } from "../../../src/generation/prompt.ts";

describe("the effort table in the prompt", () => {
  it("is the sentence Claude has always been told, derived from the one table", () => {
    expect(EFFORT_SCALES_IN_WORDS).toBe(
      "T-shirt sizes mean roughly XS ≈ 1 hour, S ≈ 2 hours, M ≈ half a day, L ≈ 6 hours, XL ≈ a full day; in hours, use half-hour steps up to 8h.",
    );
    expect(SYSTEM_PROMPT).toContain(`- effort: on the scale the settings name. ${EFFORT_SCALES_IN_WORDS} Nothing is larger than one day: split it instead.`);
  });

  it("states each size's hours in the settings of the story message", () => {
    expect(describeEffortScale("tshirt")).toBe("T-shirt sizes, exactly one of XS, S, M, L, XL (XS ≈ 1h, S ≈ 2h, M ≈ 4h, L ≈ 6h, XL ≈ 8h; XL is a full working day)");
    for (const [size, hours] of Object.entries(SIZE_HOURS)) expect(describeEffortScale("tshirt")).toContain(`${size} ≈ ${hours}h`);
    expect(describeEffortScale("hours")).toBe('hours, written like "2h" or "0.5h" (half-hour steps, at most 8h: one working day)');
  });
});
