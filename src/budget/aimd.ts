// Additive increase, multiplicative decrease: how many calls a budget lets in flight. A refusal
// (429, 529) halves the limit, once per "round" (calls that started before the last halving
// saw the old limit and say nothing new); each success adds 1/limit, so a full round of
// successes adds one slot, back up to the ceiling the operator set.

export interface AimdState {
  /** Calls allowed in flight; fractional between whole slots, at least 1. */
  readonly limit: number;
  /** When the limit was last halved (ms since epoch); null: never. */
  readonly shrunkAt: number | null;
}

export const MIN_LIMIT = 1;

/** The slots a state allows: whole calls, never more than the caller's ceiling. */
export function slotsOf(state: AimdState, ceiling: number): number {
  return Math.max(MIN_LIMIT, Math.floor(Math.min(state.limit, ceiling)));
}

export function afterSuccess(state: AimdState, ceiling: number): AimdState {
  if (state.limit >= ceiling) return { ...state, limit: ceiling };
  return { ...state, limit: Math.min(ceiling, state.limit + 1 / Math.max(MIN_LIMIT, state.limit)) };
}

/**
 * A refusal of a call that started at `startedAt` (ms), seen at `now`. Refusals of calls that
 * started before the last halving leave the limit alone: they were sent under the old limit.
 */
export function afterRefusal(state: AimdState, startedAt: number, now: number): AimdState {
  if (state.shrunkAt !== null && startedAt < state.shrunkAt) return state;
  return { limit: Math.max(MIN_LIMIT, state.limit / 2), shrunkAt: now };
}
