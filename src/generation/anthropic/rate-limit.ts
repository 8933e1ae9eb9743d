// What Anthropic's rate-limit headers say after an answer: for requests, tokens, input tokens and
// output tokens per minute, the limit, what is left and when the bucket is full again (RFC 3339).
// https://docs.anthropic.com/en/api/rate-limits — anthropic-ratelimit-<budget>-limit/-remaining/-reset.
import { headroomOf, type RateHeadroom } from "../../budget/headroom.ts";

const BUDGETS = ["requests", "tokens", "input-tokens", "output-tokens"] as const;

/**
 * Each budget the headers describe completely; none when they are absent (a proxy, a fake).
 * Anthropic's are token buckets replenished continuously, hence "continuous".
 */
export function anthropicHeadroom(headers: Headers | undefined, now: number): RateHeadroom[] {
  if (!headers) return [];
  return BUDGETS.flatMap((budget) => {
    const header = (part: string) => headers.get(`anthropic-ratelimit-${budget}-${part}`);
    const headroom = headroomOf(header("limit"), header("remaining"), Date.parse(header("reset") ?? "") - now, "continuous");
    return headroom ? [headroom] : [];
  });
}
