// What Linear's rate-limit headers say: how long it asked the bot to wait after a refusal, and
// how much of each hourly budget (requests, complexity points) is left after any answer.
// https://linear.app/developers/rate-limiting — X-RateLimit-Requests-Limit/-Remaining/-Reset
// and X-RateLimit-Complexity-Limit/-Remaining/-Reset, Retry-After on a refusal.
import { headroomOf, type RateHeadroom } from "../../budget/headroom.ts";
import { parseRetryAfter } from "../../http/retry-after.ts";

const BUDGETS = ["requests", "complexity"] as const;

/**
 * A reset header as ms from `now`. They are Unix timestamps, in milliseconds or seconds depending
 * on which description of them one reads; a value below 10^11 can only be seconds (10^11 ms is 1973).
 */
function resetInMs(value: string | null, now: number): number | undefined {
  const reset = Number(value ?? Number.NaN);
  if (value === null || !Number.isFinite(reset)) return undefined;
  return (reset < 1e11 ? reset * 1000 : reset) - now;
}

/** How long Linear asked us to wait: `Retry-After`, else the reset of the budget that ran out. */
export function linearRetryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const asked = parseRetryAfter(headers.get("retry-after"), now);
  if (asked !== undefined) return asked;
  const resets: number[] = [];
  for (const budget of BUDGETS) {
    const reset = resetInMs(headers.get(`x-ratelimit-${budget}-reset`), now);
    const remaining = Number(headers.get(`x-ratelimit-${budget}-remaining`) ?? Number.NaN);
    // A budget that still has room is not the one that stopped us.
    if (reset === undefined || remaining > 0) continue;
    resets.push(reset);
  }
  return resets.length > 0 ? Math.max(0, ...resets) : undefined;
}

/**
 * Each budget the answer's headers describe completely (limit, remaining, reset). Linear's are
 * leaky buckets refilled at a constant rate (limit per hour), hence "continuous".
 */
export function linearHeadroom(headers: Headers | undefined, now: number): RateHeadroom[] {
  if (!headers) return [];
  return BUDGETS.flatMap((budget) => {
    const header = (part: string) => headers.get(`x-ratelimit-${budget}-${part}`);
    const headroom = headroomOf(header("limit"), header("remaining"), resetInMs(header("reset"), now), "continuous");
    return headroom ? [headroom] : [];
  });
}
