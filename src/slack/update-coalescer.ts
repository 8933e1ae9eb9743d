// Slack allows about one update per second per message; a run can finish several stories in
// that second. The coalescer sends at most one update per key per interval, counted from the
// end of the previous send (a send that waited out a 429 ends when Slack accepted it): requests
// made meanwhile collapse into one, and the latest request is the one sent, always — once the
// interval has passed, never dropped. The send reads the current state when it runs (from the
// database), so the message shows the last state, not the state when it was asked for.
import type { Logger } from "../log/logger.ts";

export type Send = () => Promise<void>;

interface KeyState {
  lastEndedAt: number;
  pending: Send | null;
  inFlight: Promise<void> | null;
  timer: NodeJS.Timeout | null;
}

export interface UpdateCoalescerOptions {
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export class UpdateCoalescer {
  private readonly states = new Map<string, KeyState>();
  private readonly intervalMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(options: UpdateCoalescerOptions) {
    this.intervalMs = options.intervalMs;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  /** Asks for `send` to run for `key`: now, or as soon as the key's interval allows. */
  request(key: string, send: Send): void {
    let state = this.states.get(key);
    if (!state) {
      state = { lastEndedAt: Number.NEGATIVE_INFINITY, pending: null, inFlight: null, timer: null };
      this.states.set(key, state);
      this.prune();
    }
    state.pending = send;
    this.pump(key, state);
  }

  /** Sends everything pending now, ignoring the interval (shutdown), and waits for it. */
  async flush(): Promise<void> {
    for (const [key, state] of this.states) {
      if (state.timer) {
        clearTimeout(state.timer);
        state.timer = null;
        state.lastEndedAt = Number.NEGATIVE_INFINITY;
        this.pump(key, state);
      }
    }
    await this.idle();
  }

  /** Resolves when nothing is in flight or waiting. */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.states.values()].filter((state) => state.inFlight || state.timer || state.pending);
      if (busy.length === 0) return;
      const inFlight = busy.map((state) => state.inFlight).filter((p): p is Promise<void> => p !== null);
      if (inFlight.length > 0) await Promise.allSettled(inFlight);
      else await new Promise((resolve) => setTimeout(resolve, Math.max(1, this.intervalMs / 4)));
    }
  }

  private pump(key: string, state: KeyState): void {
    if (state.inFlight || state.timer || !state.pending) return;
    const wait = state.lastEndedAt + this.intervalMs - this.now();
    if (wait > 0) {
      state.timer = setTimeout(() => {
        state.timer = null;
        this.pump(key, state);
      }, wait);
      return;
    }
    const send = state.pending;
    state.pending = null;
    state.inFlight = send()
      .catch((error: unknown) => this.logger.warn({ err: error, key }, "a coalesced Slack update failed"))
      .finally(() => {
        state.lastEndedAt = this.now();
        state.inFlight = null;
        this.pump(key, state);
      });
  }

  /** Forgets keys idle for longer than the interval, so memory stays bounded. */
  private prune(): void {
    if (this.states.size < 1000) return;
    const now = this.now();
    for (const [key, state] of this.states) {
      if (!state.inFlight && !state.timer && !state.pending && now - state.lastEndedAt > this.intervalMs) this.states.delete(key);
    }
  }
}
