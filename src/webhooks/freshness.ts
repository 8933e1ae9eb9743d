// Replay protection: a signed body is only accepted while its own timestamp is recent. The
// signature covers the timestamp, so an old delivery cannot be made fresh again.

export interface FreshnessWindow {
  /** How old a delivery may be. */
  readonly maxAgeMs: number;
  /** How far ahead of our clock a delivery may be (the sender's clock may run ahead). */
  readonly maxAheadMs: number;
}

export function isFresh(timestampMs: number, nowMs: number, window: FreshnessWindow): boolean {
  const age = nowMs - timestampMs;
  return Number.isFinite(timestampMs) && age <= window.maxAgeMs && -age <= window.maxAheadMs;
}
