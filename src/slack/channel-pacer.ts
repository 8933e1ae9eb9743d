// Slack allows about one message per second per channel, with short bursts over it
// (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages"); above that it answers
// 429. The pacer sends every post and update of a channel at that pace instead of meeting the
// 429: each call reserves the next send time of its channel (the generic cell rate algorithm,
// so calls go out in the order they asked, bursts included), and waits for it. The schedule is
// shared by every process on the database (pg-pace-schedule.ts), so together they keep the pace.
import { sleep as realSleep, type Sleep } from "../async/sleep.ts";
import { memoryPaceSchedule, type PaceSchedule } from "./pace-schedule.ts";

export interface ChannelPacerOptions {
  /** Time between sends once the burst is spent; default 1000 ms. */
  readonly intervalMs?: number;
  /** Sends allowed back to back after a quiet spell; default 3 (Slack allows a few, one is kept in hand for network jitter). */
  readonly burst?: number;
  /** Where the channels' schedule is kept; default this process's memory. */
  readonly schedule?: PaceSchedule;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

export class ChannelPacer {
  private readonly intervalMs: number;
  private readonly tolerance: number;
  private readonly schedule: PaceSchedule;
  private readonly sleep: Sleep;
  /** Calls of this process waiting for their turn or their send time, per channel. */
  private readonly waitingBy = new Map<string, number>();

  constructor(options: ChannelPacerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.tolerance = ((options.burst ?? 3) - 1) * this.intervalMs;
    this.schedule = options.schedule ?? memoryPaceSchedule(options.now);
    this.sleep = options.sleep ?? realSleep;
  }

  /** Resolves when a message may be sent in `channel`, with how long it waited (0: the channel was not behind). */
  async take(channel: string): Promise<number> {
    // Counted from the moment it asks: a call reserving its turn is waiting too.
    this.waitingBy.set(channel, (this.waitingBy.get(channel) ?? 0) + 1);
    try {
      const waitMs = await this.schedule.reserve(channel, this.intervalMs, this.tolerance);
      if (waitMs <= 0) return 0;
      await this.sleep(waitMs);
      return waitMs;
    } finally {
      const left = (this.waitingBy.get(channel) ?? 1) - 1;
      if (left > 0) this.waitingBy.set(channel, left);
      else this.waitingBy.delete(channel);
    }
  }

  /** Calls of this process waiting for `channel`: a growing number says the channel is behind. */
  waiting(channel: string): number {
    return this.waitingBy.get(channel) ?? 0;
  }
}
