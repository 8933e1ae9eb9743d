// Slowing down before a provider refuses: its rate-limit headers say how many requests are left
// in its window and when the window resets. While plenty is left the bot goes at full speed;
// once less than a fifth is left, it spreads what remains evenly until the reset, so the budget
// runs out as the window ends instead of in a burst followed by a wall of 429s. The pause is
// written to the shared budget, so every process on the database keeps the same pace.

/** One rate-limit budget as a provider's headers describe it after an answer. */
export interface RateHeadroom {
  /** Requests (or points) the window allows in all. */
  readonly limit: number;
  /** What is left of it. */
  readonly remaining: number;
  /** Time until the window resets (or the bucket is full again), ms. */
  readonly resetInMs: number;
}

/** Below this share of the window left, calls are spread out. */
export const LOW_WATER = 0.2;

/** The pause before the next call that one budget asks for; 0: go on at full speed. */
export function paceOf(headroom: RateHeadroom): number {
  const { limit, remaining, resetInMs } = headroom;
  if (!(limit > 0) || !Number.isFinite(remaining) || !(resetInMs > 0)) return 0;
  if (remaining >= limit * LOW_WATER) return 0;
  if (remaining <= 0) return resetInMs;
  return resetInMs / remaining;
}

/** The pause the tightest of several budgets (requests, complexity points) asks for. */
export function paceFor(headrooms: readonly RateHeadroom[]): number {
  return Math.ceil(Math.max(0, ...headrooms.map(paceOf)));
}
