// Where a channel's send schedule is kept: the one fact the pacer needs (when the channel's next
// send is on time at the steady pace), updated by each send that reserves its turn. In memory it
// paces one process; in PostgreSQL (pg-pace-schedule.ts) every process posting to the channel.

export interface PaceSchedule {
  /**
   * Reserves the channel's next turn at one send per `intervalMs`, `toleranceMs` early at most
   * (the burst): returns how long to wait for it, 0 or less when the send may go now.
   */
  reserve(channel: string, intervalMs: number, toleranceMs: number): Promise<number>;
}

/** The generic cell rate algorithm in this process's memory. */
export function memoryPaceSchedule(now: () => number = Date.now): PaceSchedule {
  /** Per channel: when its next send would be on time at the steady pace. */
  const theoreticalAt = new Map<string, number>();
  return {
    async reserve(channel, intervalMs, toleranceMs) {
      const current = now();
      const at = Math.max(theoreticalAt.get(channel) ?? current, current);
      theoreticalAt.set(channel, at + intervalMs);
      // Channels whose pace has fully recovered hold no state, so memory stays bounded.
      if (theoreticalAt.size >= 1000) for (const [name, next] of theoreticalAt) if (next <= current) theoreticalAt.delete(name);
      return at - toleranceMs - current;
    },
  };
}
