// Slack allows about one message per second per channel, with short bursts over it
// (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages"); above that it answers
// 429. The pacer sends every post and update of a channel at that pace instead of meeting the
// 429: each call reserves the next send time of its channel (the generic cell rate algorithm,
// so calls go out in the order they asked, bursts included), and waits for it.
import { sleep as realSleep, type Sleep } from "../async/sleep.ts";

export interface ChannelPacerOptions {
  /** Time between sends once the burst is spent; default 1000 ms. */
  readonly intervalMs?: number;
  /** Sends allowed back to back after a quiet spell; default 3 (Slack allows a few, one is kept in hand for network jitter). */
  readonly burst?: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

interface ChannelState {
  /** When the channel's next send would be on time at the steady pace. */
  theoreticalAt: number;
  /** Calls waiting for their send time. */
  waiting: number;
}

export class ChannelPacer {
  private readonly intervalMs: number;
  private readonly tolerance: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly channels = new Map<string, ChannelState>();

  constructor(options: ChannelPacerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.tolerance = ((options.burst ?? 3) - 1) * this.intervalMs;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Resolves when a message may be sent in `channel`, with how long it waited (0: the channel was not behind). */
  async take(channel: string): Promise<number> {
    const now = this.now();
    const state = this.channels.get(channel) ?? { theoreticalAt: now, waiting: 0 };
    this.channels.set(channel, state);
    const at = Math.max(state.theoreticalAt, now);
    const sendAt = at - this.tolerance;
    state.theoreticalAt = at + this.intervalMs;
    if (sendAt <= now) return 0;
    state.waiting += 1;
    try {
      await this.sleep(sendAt - now);
      return sendAt - now;
    } finally {
      state.waiting -= 1;
      this.forgetIdle();
    }
  }

  /** Calls waiting for `channel`: a growing number says the channel is behind. */
  waiting(channel: string): number {
    return this.channels.get(channel)?.waiting ?? 0;
  }

  /** Channels whose pace has fully recovered hold no state, so memory stays bounded. */
  private forgetIdle(): void {
    if (this.channels.size < 1000) return;
    const now = this.now();
    for (const [channel, state] of this.channels) if (state.waiting === 0 && state.theoreticalAt <= now) this.channels.delete(channel);
  }
}
