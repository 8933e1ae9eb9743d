// Slowing down before a provider refuses: its rate-limit headers say how much is left and when
// it is full again. While a fifth or more is left the bot goes at full speed; below that, calls
// start no closer together than the pace computed here, in every process (the shared budget
// keeps the pace), so the budget is used at about the rate it comes back instead of in a burst
// followed by a wall of 429s.

/**
 * How a provider gives its budget back: "continuous" (a token or leaky bucket, refilled a little
 * at a time: Anthropic, Linear), or "window" (everything at the reset, nothing before: the
 * cautious reading when the provider does not say).
 */
export type Refill = "continuous" | "window";

/** One rate-limit budget as a provider's headers describe it after an answer. */
export interface RateHeadroom {
  /** Requests (or tokens, points) the budget holds when full. */
  readonly limit: number;
  /** What is left of it. */
  readonly remaining: number;
  /** Time until it is full again (a bucket) or resets (a window), ms. */
  readonly resetInMs: number;
  readonly refill: Refill;
}

/**
 * A budget from a provider's header values (limit, remaining) and its reset in ms from now; null
 * when any of them is missing or not a number.
 */
export function headroomOf(limit: string | null, remaining: string | null, resetInMs: number | undefined, refill: Refill): RateHeadroom | null {
  const total = Number(limit ?? Number.NaN);
  const left = Number(remaining ?? Number.NaN);
  if (!Number.isFinite(total) || !Number.isFinite(left) || resetInMs === undefined || Number.isNaN(resetInMs)) return null;
  return { limit: total, remaining: left, resetInMs, refill };
}

/** Below this share of the budget left, calls are paced. */
export const LOW_WATER = 0.2;

/** The least time between two calls' starts that one budget asks for; 0: full speed. */
export function paceOf(headroom: RateHeadroom): number {
  const { limit, remaining, resetInMs, refill } = headroom;
  if (!(limit > 0) || !Number.isFinite(remaining) || !(resetInMs > 0)) return 0;
  if (remaining >= limit * LOW_WATER) return 0;
  // A bucket refills (limit − remaining) in resetInMs. At the low-water mark the bot goes at that
  // rate; deeper down it goes slower (half the rate when empty), so the bucket settles near the
  // mark, with a fifth of it to spare for calls already in flight, instead of near empty.
  if (refill === "continuous") {
    const depth = 1 - remaining / (limit * LOW_WATER);
    return (resetInMs / Math.max(1, limit - remaining)) * (1 + Math.max(0, depth));
  }
  // A window gives nothing back before its reset: spread what is left until then.
  return remaining <= 0 ? resetInMs : resetInMs / remaining;
}

/** The pace the tightest of several budgets (requests, tokens, complexity points) asks for. */
export function paceFor(headrooms: readonly RateHeadroom[]): number {
  return Math.ceil(Math.max(0, ...headrooms.map(paceOf)));
}
