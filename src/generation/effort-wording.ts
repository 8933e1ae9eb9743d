// How the prompt states the effort table of effort/effort.ts. The words are derived from that
// table, so the hours Claude is told are the hours the trackers receive.

import { HOURS_PER_DAY, SIZE_HOURS, TSHIRT_SIZES, type EffortScale } from "../effort/effort.ts";

function inWords(hours: number): string {
  if (hours === HOURS_PER_DAY) return "a full day";
  if (hours * 2 === HOURS_PER_DAY) return "half a day";
  return hours === 1 ? "1 hour" : `${hours} hours`;
}

/** The system prompt's sentence on the scales: "T-shirt sizes mean roughly XS ≈ 1 hour, … up to 8h." */
export const EFFORT_SCALES_IN_WORDS =
  `T-shirt sizes mean roughly ${TSHIRT_SIZES.map((size) => `${size} ≈ ${inWords(SIZE_HOURS[size])}`).join(", ")}; ` +
  `in hours, use half-hour steps up to ${HOURS_PER_DAY}h.`;

/** How the user message's settings describe the asked scale. */
export function describeEffortScale(scale: EffortScale): string {
  if (scale === "hours") {
    return `hours, written like "2h" or "0.5h" (half-hour steps, at most ${HOURS_PER_DAY}h: one working day)`;
  }
  const table = TSHIRT_SIZES.map((size) => `${size} ≈ ${SIZE_HOURS[size]}h`).join(", ");
  const fullDay = TSHIRT_SIZES.find((size) => SIZE_HOURS[size] === HOURS_PER_DAY);
  return `T-shirt sizes, exactly one of ${TSHIRT_SIZES.join(", ")} (${table}${fullDay ? `; ${fullDay} is a full working day` : ""})`;
}
