import type { CountRange } from "../generation/types.ts";

export const COUNT_BOUNDS = { min: 1, max: 15 } as const;

/**
 * "3-6" (also "3–6", "3..6") or a single "5" → a count range within the hard bounds 1–15.
 * Returns a message a person can act on when the text is not one.
 */
export function parseCountRange(text: string): CountRange | { error: string } {
  const match = /^(\d{1,2})(?:\s*(?:-|–|—|\.\.)\s*(\d{1,2}))?$/.exec(text.trim());
  if (!match) return { error: `"${text}" is not a count: use a range such as 3-6, or one number such as 5` };
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (min < COUNT_BOUNDS.min || max > COUNT_BOUNDS.max) {
    return { error: `the count must stay within ${COUNT_BOUNDS.min}-${COUNT_BOUNDS.max} (got ${text})` };
  }
  if (min > max) return { error: `the count range ${text} starts above where it ends` };
  return { min, max };
}
