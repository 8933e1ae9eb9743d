// npm run bench:runs: a 200-story run through the real run layer (Postgres, pg-boss, the state
// machine, write-back) with in-process fakes for the model (200 ms per story) and the tracker
// (20 ms per request), at concurrency 8. Prints figures; it is not a test.
//
// The measured run is this process's second: a first run of 2 × concurrency stories warms it up
// (Prisma plans each query shape on its first use, pools open their connections), as a bot that
// has been up for a while is. What that first use costs is printed apart, as the time a fresh
// process's first run takes to reach its first story against the warm run's.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/db/embedded.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/prisma.ts";
import { createScratchDatabase } from "../src/db/scratch-database.ts";
import { createLogger } from "../src/log/logger.ts";
import { createRunService } from "../src/runs/service.ts";
import { poolSizeFor } from "../src/runs/story-slots.ts";
import { cores, loadAverage } from "./machine.ts";
import { measureQueueFloor } from "./queue-floor.ts";
import { FakeGenerator } from "../test/support/fake-generator.ts";
import { FakeTracker } from "../test/support/fake-tracker.ts";

const STORIES = Number(process.env.BENCH_STORIES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LLM_MS = 200;
const TRACKER_MS = 20;

const logger = createLogger({ level: "warn" });
/** Before this process did anything: the load other processes put on the machine. */
const loadBefore = loadAverage();
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(`.data/bench-${randomBytes(3).toString("hex")}`, logger);
const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? embedded!.url, "bench_runs");
await migrate(scratch.url, logger);
const db = openDatabase(scratch.url, { max: poolSizeFor(CONCURRENCY) });

const tracker = new FakeTracker({ latencyMs: TRACKER_MS });
tracker.addEpic("WARM-EPIC", Array.from({ length: 2 * CONCURRENCY }, (_, i) => `WARM-${i + 1}`));
tracker.addEpic("ENG-EPIC", Array.from({ length: STORIES }, (_, i) => `ENG-${i + 1}`));
const generator = new FakeGenerator({ delayMs: LLM_MS, count: 4 });
/** When the model was first asked for a story of the run under way: the run's start, as a person waits for it. */
let firstModelCallAt: number | null = null;
const generate = generator.generate.bind(generator);
generator.generate = (context, options) => ((firstModelCallAt ??= performance.now()), generate(context, options));
const runs = createRunService({
  prisma: db.prisma,
  pool: db.pool,
  intakePool: db.intakePool,
  databaseUrl: scratch.url,
  logger,
  trackers: { linear: tracker },
  generator,
  concurrency: CONCURRENCY,
  epicStoryLimit: STORIES,
  sweepIntervalMs: 0,
});
await runs.start();

// Every statement any connection of this process sends (Prisma, the intake, pg-boss), counted
// while the run is measured: the database round trips a story costs.
let statements = 0;
let counting = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const finished = new Map<string, () => void>();
runs.observe({ onRunComplete: (run) => finished.get(run.runId)?.() });

/** Runs an epic through the run layer: its id, and how long until its first model call. */
async function runEpic(key: string): Promise<{ runId: string; toFirstStoryMs: number }> {
  firstModelCallAt = null;
  const startedAt = performance.now();
  const { runId } = (await runs.startRun({ trigger: "CLI", refs: [{ tracker: "linear", key, kind: "issue", input: key }], requestedBy: "bench" })) as { runId: string };
  await new Promise<void>((resolve) => finished.set(runId, resolve));
  return { runId, toFirstStoryMs: (firstModelCallAt ?? performance.now()) - startedAt };
}

const warmUp = await runEpic("WARM-EPIC");
tracker.calls.length = 0;
tracker.createdTitles.length = 0;

counting = true;
const cpuAtStart = process.cpuUsage();
const startedAt = performance.now();
const { runId, toFirstStoryMs } = await runEpic("ENG-EPIC");
const wallMs = performance.now() - startedAt;
counting = false;
const cpu = process.cpuUsage(cpuAtStart);
clearInterval(sampler);

const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
const perStoryCalls = tracker.calls.filter((call) => call.method !== "expand").length / STORIES;
const ownCalls = tracker.calls.filter((call) => !["expand", "readStories", "getStory"].includes(call.method));
const linkCalls = ownCalls.filter((call) => call.method === "linkBlocks").length;
const readCalls = tracker.calls.filter((call) => call.method === "readStories" || call.method === "getStory").length;
const trackerMsPerStory = perStoryCalls * TRACKER_MS;
const ideal = Math.ceil(STORIES / CONCURRENCY) * (LLM_MS + trackerMsPerStory);
const created = tracker.createdTitles.length;

console.log(`bench:runs  ${STORIES} stories, concurrency ${CONCURRENCY}, model ${LLM_MS} ms, tracker ${TRACKER_MS} ms/request`);
console.log(`            ${cores()}; load average ${loadBefore} before the bench, ${loadAverage()} after the measured run`);
console.log(`  run status               ${run.status} (${run.storiesDone} done, ${run.storiesFailed} failed), ${created} sub-issues created (${new Set(tracker.createdTitles).size} distinct)`);
console.log(`  wall time                ${(wallMs / 1000).toFixed(2)} s  (the process's second run; see "first run" below)`);
console.log(`  ideal                    ${(ideal / 1000).toFixed(2)} s  = ceil(${STORIES}/${CONCURRENCY}) × (${LLM_MS} + ${trackerMsPerStory.toFixed(0)}) ms`);
console.log(`  efficiency               ${(ideal / wallMs).toFixed(3)}  (target ≥ 0.95)`);
console.log(`  tracker requests/story   ${perStoryCalls.toFixed(2)}  (+1 expand per run)`);
console.log(`    writes/story           ${((ownCalls.length - linkCalls) / STORIES).toFixed(2)}  batch create + comment  (target ≤ 2)`);
console.log(`    links/story            ${(linkCalls / STORIES).toFixed(2)}  dependency links (the fake model's subtasks depend on each other)`);
console.log(`    reads                  ${readCalls} for ${STORIES} stories = ${((readCalls / STORIES) * 50).toFixed(2)} per 50  (target ≤ 1 per 50)`);
console.log(`  statements/story         ${(statements / STORIES).toFixed(1)}  (database round trips of the whole run, pg-boss's included, per story)`);
console.log(`  CPU/story                ${((cpu.user + cpu.system) / 1000 / STORIES).toFixed(1)} ms  (this process, user + system: less sensitive to a loaded machine than the wall time)`);
console.log(`  peak RSS                 ${(peakRss / 1024 / 1024).toFixed(0)} MB  (target ≤ 250 MB)`);
console.log(`  to the first story       ${toFirstStoryMs.toFixed(0)} ms from /subtasks to the first model call; ${warmUp.toFirstStoryMs.toFixed(0)} ms in the fresh process's first run (the ${2 * CONCURRENCY}-story warm-up), the cost of first use`);

await runs.stop();
const floorMs = await measureQueueFloor({ databaseUrl: scratch.url, logger, jobs: STORIES, concurrency: CONCURRENCY, jobMs: LLM_MS + trackerMsPerStory });
console.log(`  floor: the queue alone   ${(floorMs / 1000).toFixed(2)} s, efficiency ${(ideal / floorMs).toFixed(3)}  (the same pg-boss workers and slots running ${STORIES} jobs that only wait ${(LLM_MS + trackerMsPerStory).toFixed(0)} ms in a slot)`);
console.log(`  efficiency to the floor  ${(floorMs / wallMs).toFixed(3)}  (what the story step itself costs, beyond the queue)`);
await db.close();
if (!process.env.BENCH_KEEP) await scratch.drop(); else console.log(`  kept database ${scratch.url}`);
await embedded?.stop();
process.exit(0);
