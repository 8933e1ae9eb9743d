/** How many stories an epic expands to when the caller does not say. */
export const DEFAULT_EXPAND_LIMIT = 50;

/** The cap of an expansion: a whole number of at least 1, 50 when not given. */
export function expandLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_EXPAND_LIMIT;
  return Math.max(1, Math.floor(limit));
}
