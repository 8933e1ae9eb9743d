import { HARD_COUNT_BOUNDS } from "./count-range.ts";
import type { CountRange, EffortScale, GenerateOptions } from "./types.ts";

export { HARD_COUNT_BOUNDS } from "./count-range.ts";
export const DEFAULT_COUNT: CountRange = { min: 3, max: 8 };
export const DEFAULT_EFFORT_SCALE: EffortScale = "tshirt";

export interface ResolvedOptions {
  readonly count: CountRange;
  readonly effortScale: EffortScale;
  /** undefined: answer in the story's own language. */
  readonly language: string | undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Fills defaults and forces the count range inside the hard bounds (min ≤ max). */
export function resolveOptions(options: GenerateOptions = {}): ResolvedOptions {
  const requested = options.count ?? DEFAULT_COUNT;
  const wholeOr = (value: number, fallback: number) => (Number.isFinite(value) ? Math.round(value) : fallback);
  const min = clamp(wholeOr(requested.min, DEFAULT_COUNT.min), HARD_COUNT_BOUNDS.min, HARD_COUNT_BOUNDS.max);
  const max = clamp(wholeOr(requested.max, DEFAULT_COUNT.max), min, HARD_COUNT_BOUNDS.max);
  const language = options.language?.trim();
  return {
    count: { min, max },
    effortScale: options.effortScale ?? DEFAULT_EFFORT_SCALE,
    language: language ? language : undefined,
  };
}
