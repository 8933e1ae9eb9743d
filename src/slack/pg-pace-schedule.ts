// The channels' send schedule in PostgreSQL, so every process posting to a channel keeps to
// Slack's one message per second there together: each reservation is one upsert that moves the
// channel's next on-time send along and answers how long to wait, on the database's clock.
// When the database does not answer, a process paces on its own rather than not post.
import type pg from "pg";
import type { Logger } from "../log/logger.ts";
import { memoryPaceSchedule, type PaceSchedule } from "./pace-schedule.ts";

const RESERVE = `INSERT INTO "SlackChannelPace" AS pace (channel, "nextAt") VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
  ON CONFLICT (channel) DO UPDATE SET "nextAt" = GREATEST(pace."nextAt", clock_timestamp()) + $2 * interval '1 millisecond'
  RETURNING (EXTRACT(EPOCH FROM (pace."nextAt" - clock_timestamp())) * 1000)::float8 - $2 - $3 AS "waitMs"`;

export function pgPaceSchedule(pool: pg.Pool, logger: Logger): PaceSchedule {
  const local = memoryPaceSchedule();
  return {
    async reserve(channel, intervalMs, toleranceMs) {
      try {
        const { rows } = await pool.query<{ waitMs: number }>(RESERVE, [channel, intervalMs, toleranceMs]);
        return rows[0]!.waitMs;
      } catch (error) {
        logger.warn({ err: error, channel }, "Slack pacing: the shared schedule did not answer; pacing this process alone");
        return local.reserve(channel, intervalMs, toleranceMs);
      }
    },
  };
}
