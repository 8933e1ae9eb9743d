// Slack's pace of about one message per second is per channel, whoever posts: two bot processes
// posting in one thread keep it together through the schedule in PostgreSQL, where two pacers
// that each keep it alone post twice as fast.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../src/db/prisma.ts";
import { ChannelPacer } from "../../../src/slack/channel-pacer.ts";
import { pgPaceSchedule } from "../../../src/slack/pg-pace-schedule.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { silentLogger } from "../../support/logger.ts";

const INTERVAL_MS = 100;
const BURST = 3;

let db: TestDatabase;
const opened: Database[] = [];

beforeEach(async () => {
  db = await migratedTestDatabase();
});

afterEach(async () => {
  for (const pool of opened.splice(0)) await pool.close();
  await db.destroy();
});

/** A pacer as one bot process builds it: its own connections to the shared database. */
function processPacer(shared: boolean): ChannelPacer {
  if (!shared) return new ChannelPacer({ intervalMs: INTERVAL_MS, burst: BURST });
  const pool = openDatabase(db.url, { max: 2 });
  opened.push(pool);
  return new ChannelPacer({ intervalMs: INTERVAL_MS, burst: BURST, schedule: pgPaceSchedule(pool.pool, silentLogger) });
}

/** Both processes post `each` messages to one channel as fast as they are let; the send times, sorted. */
async function sendTimes(pacers: ChannelPacer[], each: number): Promise<number[]> {
  const started = performance.now();
  const times: number[] = [];
  await Promise.all(
    pacers.map(async (pacer) => {
      for (let i = 0; i < each; i++) {
        await pacer.take("C0THREAD");
        times.push(performance.now() - started);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

/** The shortest time between two sends after the first burst. */
function tightestGap(times: number[]): number {
  let tightest = Number.POSITIVE_INFINITY;
  for (let i = BURST; i < times.length; i++) tightest = Math.min(tightest, times[i]! - times[i - 1]!);
  return tightest;
}

describe("Slack pacing shared by every process", () => {
  it("two processes posting in one channel send a burst, then one message per interval between them", async () => {
    const times = await sendTimes([processPacer(true), processPacer(true)], 8);
    // 16 messages: 3 at once, then 13 one interval apart.
    expect(times.at(-1)!).toBeGreaterThanOrEqual((16 - BURST) * INTERVAL_MS - 20);
    expect(tightestGap(times)).toBeGreaterThanOrEqual(INTERVAL_MS * 0.5);
  });

  it("each pacing alone, the same two processes post twice as fast as the channel allows", async () => {
    const times = await sendTimes([processPacer(false), processPacer(false)], 8);
    expect(times.at(-1)!).toBeLessThan((16 - BURST) * INTERVAL_MS * 0.75);
  });
});
