// A subtask's effort as a Linear estimate, on the scale the team chose.
// Linear stores estimates as numbers; a team's `issueEstimationType` says which scale its UI
// shows: "notUsed", "exponential" (1 2 4 8 16), "fibonacci" (1 2 3 5 8), "linear" (1 2 3 4 5) or
// "tShirt" (shown as XS S M L XL, stored as 1 2 3 5 8). The extended scale adds two larger values
// (32 64, 13 21, 6 7, XXL XXXL = 13 21), and a team may allow zero.
// https://linear.app/docs/estimates

import { TSHIRT_SIZES, parseEffort } from "../../effort/effort.ts";

const scales: Record<string, readonly number[]> = {
  exponential: [1, 2, 4, 8, 16],
  fibonacci: [1, 2, 3, 5, 8],
  linear: [1, 2, 3, 4, 5],
  tShirt: [1, 2, 3, 5, 8],
};

const extensions: Record<string, readonly number[]> = {
  exponential: [32, 64],
  fibonacci: [13, 21],
  linear: [6, 7],
  tShirt: [13, 21],
};

/** A team's estimate settings, as Linear's Team type holds them. */
export interface LinearEstimation {
  readonly issueEstimationType: string;
  readonly issueEstimationExtended: boolean;
  readonly issueEstimationAllowZero: boolean;
}

/** Every estimate the team can give, smallest first; null when it uses none ("notUsed"). */
export function linearPointScale(team: LinearEstimation): number[] | null {
  const scale = scales[team.issueEstimationType];
  if (!scale) return null;
  return [
    ...(team.issueEstimationAllowZero ? [0] : []),
    ...scale,
    ...(team.issueEstimationExtended ? (extensions[team.issueEstimationType] ?? []) : []),
  ];
}

/**
 * The value at the size's place on the team's scale (M is the third). Null when the team does
 * not use estimates or the effort is missing or unreadable: then none is set.
 */
export function linearEstimate(effort: string | null, estimationType: string): number | null {
  const scale = scales[estimationType];
  const parsed = parseEffort(effort);
  if (!scale || !parsed) return null;
  return scale[TSHIRT_SIZES.indexOf(parsed.size)] ?? null;
}
