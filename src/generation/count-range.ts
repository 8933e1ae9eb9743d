// How many subtasks a story may get: the hard bounds, and the two ways a range arrives (typed
// by a person, stored as JSON), each checked against the same bounds.
import { z } from "zod";
import type { CountRange } from "./types.ts";

/** No story gets fewer than one or more than fifteen subtasks, whatever a caller asks. */
export const HARD_COUNT_BOUNDS: CountRange = { min: 1, max: 15 };

/** A count range as JSON (Run.options, a story file). */
export const countRangeSchema = z
  .strictObject({ min: z.int().min(HARD_COUNT_BOUNDS.min).max(HARD_COUNT_BOUNDS.max), max: z.int().min(HARD_COUNT_BOUNDS.min).max(HARD_COUNT_BOUNDS.max) })
  .refine((range) => range.min <= range.max, "min must not exceed max");

/**
 * "3-6" (also "3–6", "3..6") or a single "5" → a count range within the hard bounds 1–15.
 * Returns a message a person can act on when the text is not one.
 */
export function parseCountRange(text: string): CountRange | { error: string } {
  const match = /^(\d{1,2})(?:\s*(?:-|–|—|\.\.)\s*(\d{1,2}))?$/.exec(text.trim());
  if (!match) return { error: `"${text}" is not a count: use a range such as 3-6, or one number such as 5` };
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (min < HARD_COUNT_BOUNDS.min || max > HARD_COUNT_BOUNDS.max) {
    return { error: `the count must stay within ${HARD_COUNT_BOUNDS.min}-${HARD_COUNT_BOUNDS.max} (got ${text})` };
  }
  if (min > max) return { error: `the count range ${text} starts above where it ends` };
  return { min, max };
}
