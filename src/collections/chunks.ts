// Splitting a list into requests of at most `size` items: the trackers' batch reads, creates,
// links and relation pages, and a run's read-ahead, each bounded by what one request may carry.

/** `items` in order, in chunks of `size` (the last may be shorter); none for an empty list. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
