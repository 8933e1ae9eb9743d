import { HARD_COUNT_BOUNDS } from "./count-range.ts";
import type { CountRange, EffortScale, GenerateOptions } from "./types.ts";

export { HARD_COUNT_BOUNDS } from "./count-range.ts";
/**
 * The count when nobody set one: as many as the story's size calls for, from 2 up to 8; a story
 * of a developer-day or less gets no breakdown instead of a forced one.
 */
export const ADAPTIVE_COUNT: CountRange = { min: 2, max: 8 };
export const DEFAULT_EFFORT_SCALE: EffortScale = "tshirt";

export interface ResolvedOptions {
  readonly count: CountRange;
  /** The count is the story's to choose (no range was set), and "no_breakdown" is an answer. */
  readonly adaptive: boolean;
  readonly effortScale: EffortScale;
  /** undefined: answer in the story's own language. */
  readonly language: string | undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Fills defaults and forces the count range inside the hard bounds (min ≤ max). */
export function resolveOptions(options: GenerateOptions = {}): ResolvedOptions {
  const adaptive = options.count === undefined || options.count === "adaptive";
  const requested = adaptive ? ADAPTIVE_COUNT : (options.count as CountRange);
  const wholeOr = (value: number, fallback: number) => (Number.isFinite(value) ? Math.round(value) : fallback);
  const min = clamp(wholeOr(requested.min, ADAPTIVE_COUNT.min), HARD_COUNT_BOUNDS.min, HARD_COUNT_BOUNDS.max);
  const max = clamp(wholeOr(requested.max, ADAPTIVE_COUNT.max), min, HARD_COUNT_BOUNDS.max);
  const language = options.language?.trim();
  return {
    count: { min, max },
    adaptive,
    effortScale: options.effortScale ?? DEFAULT_EFFORT_SCALE,
    language: language ? language : undefined,
  };
}
