// npm run bench:epic: one /subtasks on a big Linear epic, run by several real bot processes
// (src/main.ts) on one PostgreSQL database, against local fakes that enforce the providers'
// limits, so the run is as fast as it can be only if the bot spends every limit well:
//   - Anthropic: a real HTTP server (test/support/anthropic-server.ts) with token buckets for
//     requests and output tokens per minute, full at the start; over them a 429 rate_limit_error
//     with retry-after. Each answer takes BENCH_MODEL_MS, so concurrency matters.
//   - Linear: LinearWorkspace behind a front (chaos/front.ts) with Linear's request budget
//     (bench/epic/linear-budget.ts): X-RateLimit-Requests-* on every answer, RATELIMITED over it.
//   - Slack: playSlack's per-channel pace (one message per second, burst of 4; 429 with
//     Retry-After beyond it) behind a front.
// It prints the wall time (from sending /subtasks to the last story finished), the ideal the
// binding limit allows (every limit's bound and its formula), their ratio against the target
// (≤ 1.15 with 0 failed stories), 429s per provider, tracker requests per story and each
// process's peak RSS. It is not a test; every figure is measured or computed from measured counts.
//
// Flags (environment variables):
//   BENCH_STORIES=500            stories in the epic (EPIC_STORY_LIMIT is raised to match; the bot allows ≤ 500)
//   BENCH_PROCESSES=3            bot processes on the one database
//   BENCH_RPM=50                 Anthropic requests per minute
//   BENCH_OTPM=40000             Anthropic output tokens per minute
//   BENCH_OUTPUT_TOKENS=380      output tokens of each model answer
//   BENCH_MODEL_MS=2000          how long each model answer takes
//   BENCH_LINEAR_RPH=5000        Linear requests per hour (the budget, full at the start)
//   BENCH_LINEAR_MS=200          Linear latency: each request waits 0 to this many ms
//   BENCH_SLACK_PER_SECOND=1     Slack messages per second per channel
//   BENCH_SLACK_BURST=4          Slack burst per channel
//   BENCH_RUN_CONCURRENCY=4      RUN_CONCURRENCY of each process
//   BENCH_MODEL_CONCURRENCY=4    MODEL_CONCURRENCY, shared by the processes
//   BENCH_TIMEOUT_MS=1800000     give up waiting after this long, and print what there is
//   BENCH_BOT_DIR=<checkout>     start <checkout>/src/main.ts instead of this one's (an older
//                                commit's "before" figure; it migrates the database itself)
//   BENCH_KEEP=1                 keep the scratch database and print its URL
//
//   npm run bench:epic
//   BENCH_STORIES=60 BENCH_RPM=300 npm run bench:epic          a quick look while developing
import { execSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { createScratchDatabase } from "../src/db/scratch-database.ts";
import { startAnthropicServer } from "../test/support/anthropic-server.ts";
import { LinearWorkspace } from "../test/support/linear-workspace.ts";
import { playSlack, RESPONSE_URL_ORIGIN, SLACK_API_URL, textOf } from "../test/e2e/slack/support/slack-api.ts";
import { sendCommand, SIGNING_SECRET } from "../test/e2e/slack/support/slack-requests.ts";
import { createBot, freePort, type Bot } from "../chaos/bots.ts";
import { FINAL_PARENT } from "../chaos/checks.ts";
import { startFront } from "../chaos/front.ts";
import { seededRandom } from "../chaos/random.ts";
import { binding, bounds } from "./epic/ideal.ts";
import { linearBudget } from "./epic/linear-budget.ts";
import { heapUsedBytes, peakRssBytes } from "./epic/process-memory.ts";
import { cores, loadAverage } from "./machine.ts";

function flag(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (Number.isFinite(value) && value >= 0) return value;
  process.stderr.write(`bench:epic: ${name} must be a number ≥ 0, not ${process.env[name]}\n`);
  process.exit(2);
}
const STORIES = flag("BENCH_STORIES", 500);
const PROCESSES = flag("BENCH_PROCESSES", 3);
const RPM = flag("BENCH_RPM", 50);
const OTPM = flag("BENCH_OTPM", 40_000);
const OUTPUT_TOKENS = flag("BENCH_OUTPUT_TOKENS", 380);
const MODEL_MS = flag("BENCH_MODEL_MS", 2_000);
const LINEAR_RPH = flag("BENCH_LINEAR_RPH", 5_000);
const LINEAR_MS = flag("BENCH_LINEAR_MS", 200);
const SLACK_PER_SECOND = flag("BENCH_SLACK_PER_SECOND", 1);
const SLACK_BURST = flag("BENCH_SLACK_BURST", 4);
const RUN_CONCURRENCY = flag("BENCH_RUN_CONCURRENCY", 4);
const MODEL_CONCURRENCY = flag("BENCH_MODEL_CONCURRENCY", 4);
const TIMEOUT_MS = flag("BENCH_TIMEOUT_MS", 30 * 60_000);
const BOT_DIR = process.env.BENCH_BOT_DIR ? resolve(process.env.BENCH_BOT_DIR) : null;
/** The target of issue 18: wall time within this many times the limit-bound ideal. */
const TARGET_RATIO = 1.15;
/** The issue wants the run's Slack message final within this long after the last story. */
const FINAL_MESSAGE_TARGET_MS = 5_000;
const CHANNEL = "C0EPIC";
const EPIC_KEY = "ENG-10000";

const startedAt = Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => process.stdout.write(`[epic ${((Date.now() - startedAt) / 1000).toFixed(0)} s] ${line}\n`);
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write("bench:epic: set DATABASE_URL to a PostgreSQL server; the bench makes a database of its own there\n");
  process.exit(2);
}
const botCommit = (() => {
  try {
    return execSync("git rev-parse --short HEAD", { cwd: BOT_DIR ?? process.cwd(), encoding: "utf8" }).trim();
  } catch {
    return "unknown commit";
  }
})();
/** Variables this bench sets that the bots' checkout never mentions: an older commit ignores them. */
const ignoredByBots = (names: readonly string[]): string[] =>
  BOT_DIR === null
    ? []
    : names.filter((name) => {
        try {
          execSync(`grep -rqw ${name} src`, { cwd: BOT_DIR, stdio: "ignore" });
          return false;
        } catch {
          return true;
        }
      });
// The bots migrate it themselves (src/core.ts), each with its own migrations: an older checkout
// gets the schema it expects.
const scratch = await createScratchDatabase(serverUrl, "bench_epic");
const workDir = mkdtempSync(join(tmpdir(), "subtasks-bench-epic-"));
say(`database ${scratch.name}; bot logs in ${workDir}; bots from ${BOT_DIR ?? "this checkout"} (${botCommit}); load ${loadAverage()}`);

// ── The providers ────────────────────────────────────────────────────────────────────────
const linear = new LinearWorkspace();
const epic = linear.addIssue(EPIC_KEY, { title: "Checkout, rebuilt", labels: ["Epic"] });
const storyKeys = Array.from({ length: STORIES }, (_, i) => `ENG-${10_001 + i}`);
for (const key of storyKeys) linear.addIssue(key, { title: `As a shopper I want ${key} so that checkout is quicker`, parentId: epic.id, labels: ["Feature"] });
const slack = playSlack({ channelLimit: { perSecond: SLACK_PER_SECOND, burst: SLACK_BURST } });
const anthropic = await startAnthropicServer({ delayMs: MODEL_MS, outputTokens: OUTPUT_TOKENS, requestsPerMinute: RPM, outputTokensPerMinute: OTPM });
const budget = linearBudget(LINEAR_RPH);
const random = seededRandom(18);
const quiet = { random, stormShare: 0, stormFailures: [] };
const fronts = {
  linear: await startFront({ origin: "https://api.linear.app", maxLatencyMs: LINEAR_MS, limit: budget.limit, ...quiet }),
  slack: await startFront({ origin: new URL(SLACK_API_URL).origin, maxLatencyMs: 50, ...quiet }),
  hooks: await startFront({ origin: RESPONSE_URL_ORIGIN, maxLatencyMs: 50, ...quiet }),
};

const env: Record<string, string> = {
  DATABASE_URL: scratch.url,
  LOG_LEVEL: "info",
  RUN_CONCURRENCY: String(RUN_CONCURRENCY),
  MODEL_CONCURRENCY: String(MODEL_CONCURRENCY),
  EPIC_STORY_LIMIT: String(Math.max(50, STORIES)),
  SLACK_BOT_TOKEN: "xoxb-bench-bot-token",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: `${fronts.slack.url}/api/`,
  SLACK_DEFAULT_CHANNEL: CHANNEL,
  LINEAR_API_KEY: "lin_api_bench_key",
  ANTHROPIC_API_KEY: "sk-ant-bench-key",
  ANTHROPIC_BASE_URL: anthropic.url,
  LINEAR_API_URL: `${fronts.linear.url}/graphql`,
};

const ignored = ignoredByBots(Object.keys(env));
if (ignored.length > 0) say(`the bots' checkout does not read ${ignored.join(", ")}`);
/** Model calls the bots can have in flight: the shared budget, or without one every process's stories. */
const modelConcurrency = Math.min(ignored.includes("MODEL_CONCURRENCY") ? Number.POSITIVE_INFINITY : MODEL_CONCURRENCY, PROCESSES * RUN_CONCURRENCY);

const bots: Bot[] = [];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void Promise.all(bots.map((bot) => bot.kill())).finally(() => process.exit(130)));
}
const botOptions = BOT_DIR ? { main: join(BOT_DIR, "src/main.ts"), cwd: BOT_DIR } : {};
for (let i = 0; i < PROCESSES; i++) bots.push(createBot(`bot-${i + 1}`, await freePort(), env, join(workDir, `bot-${i + 1}.log`), botOptions));
// The first one alone migrates the database; then the others.
await bots[0]!.start();
await Promise.all(bots.slice(1).map((bot) => bot.start()));
say(`${PROCESSES} bots up; ${STORIES} stories under ${EPIC_KEY}; load ${loadAverage()}`);

// ── The run ──────────────────────────────────────────────────────────────────────────────
const db = new pg.Pool({ connectionString: scratch.url, max: 2 });
const linearAtSend = { ...budget.counts };
const modelCallsAtSend = anthropic.calls.length;
const slackCallsAtSend = slack.calls.length;
const linearOperationsAtSend = linear.operations.length;
const sentAt = Date.now();
const ack = await sendCommand(bots[0]!.url, `https://linear.app/acme/issue/${EPIC_KEY}`, {
  channel_id: CHANNEL,
  response_url: `${fronts.hooks.url}/commands/T0ACME/1/bench`,
});
say(`/subtasks ${EPIC_KEY} acknowledged ${ack.status} in ${ack.ms.toFixed(0)} ms`);

interface Progress {
  readonly recorded: number;
  readonly open: number;
  readonly completed: number;
  readonly failed: number;
  readonly runsOpen: number;
  readonly lastDoneAt: number | null;
}
async function progress(): Promise<Progress> {
  const { rows } = await db.query<{ recorded: number; open: number; completed: number; failed: number; last: Date | null }>(`
    SELECT count(*)::int AS recorded,
           count(*) FILTER (WHERE status NOT IN ('COMPLETED','FAILED','SKIPPED'))::int AS open,
           count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
           count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
           max("completedAt") AS last
    FROM "RunStory"`);
  const { rows: runs } = await db.query<{ open: number }>(`SELECT count(*) FILTER (WHERE status IN ('QUEUED','RUNNING'))::int AS open FROM "Run"`);
  const row = rows[0]!;
  return { ...row, runsOpen: runs[0]!.open, lastDoneAt: row.last?.getTime() ?? null };
}

const deadline = sentAt + TIMEOUT_MS;
let state = await progress();
let nextReport = Date.now() + 30_000;
while (Date.now() < deadline) {
  state = await progress();
  if (state.recorded >= STORIES && state.open === 0 && state.runsOpen === 0) break;
  if (Date.now() >= nextReport) {
    nextReport += 30_000;
    const model = anthropic.calls.slice(modelCallsAtSend);
    say(
      `${state.recorded - state.open}/${STORIES} stories final (${state.completed} completed, ${state.failed} failed); ` +
        `model ${model.filter((call) => call.status === 200).length} answered, ${model.filter((call) => call.status !== 200).length} refused; load ${loadAverage()}`,
    );
  }
  await sleep(500);
}
const finished = state.recorded >= STORIES && state.open === 0 && state.runsOpen === 0;
const lastDoneAt = state.lastDoneAt;
if (!finished) say(`timed out after ${sec(TIMEOUT_MS)}: ${state.open} stories still open of ${state.recorded} recorded`);

// The run's Slack message: when Slack first accepted a final state on it.
const threadTs = (await db.query<{ ts: string | null }>(`SELECT "slackThreadTs" AS ts FROM "Run" ORDER BY "createdAt" LIMIT 1`)).rows[0]?.ts ?? null;
const finalMessageAt = (): number | null =>
  slack.calls.find(
    (call) =>
      call.status === 200 &&
      ((call.method === "chat.update" && call.args.ts === threadTs) || (call.method === "chat.postMessage" && call.result?.ts === threadTs)) &&
      FINAL_PARENT.test(textOf(call.args.blocks)),
  )?.at ?? null;
const finalWait = Date.now() + 30_000;
while (finished && threadTs && finalMessageAt() === null && Date.now() < finalWait) await sleep(250);
const finalAt = finalMessageAt();

// Memory before stopping: VmHWM goes with the process.
const peaks = await Promise.all(bots.map(async (bot) => ({ name: bot.name, bytes: peakRssBytes(bot.pid), heap: await heapUsedBytes(bot.url) })));
await Promise.all(bots.map((bot) => bot.kill()));

// ── Figures ─────────────────────────────────────────────────────────────────────────────
const model = anthropic.calls.slice(modelCallsAtSend);
const answered = model.filter((call) => call.status === 200);
const refusedModel = model.length - answered.length;
const linearReads = budget.counts.reads - linearAtSend.reads;
const linearWrites = budget.counts.writes - linearAtSend.writes;
const linearRefused = budget.counts.refused - linearAtSend.refused;
const operations = new Map<string, number>();
for (const operation of linear.operations.slice(linearOperationsAtSend)) operations.set(operation, (operations.get(operation) ?? 0) + 1);
const runSlack = slack.calls.slice(slackCallsAtSend);
const slackRefusedBy = new Map<string, number>();
for (const call of runSlack) if (call.status === 429) slackRefusedBy.set(call.method, (slackRefusedBy.get(call.method) ?? 0) + 1);
const slackRefused = runSlack.filter((call) => call.status === 429).length;
const accepted = runSlack.filter((call) => call.status === 200 && (call.method === "chat.postMessage" || call.method === "chat.update"));
const perChannel = new Map<string, number>();
for (const call of accepted) perChannel.set(String(call.args.channel), (perChannel.get(String(call.args.channel)) ?? 0) + 1);
const busiest = [...perChannel].sort((a, b) => b[1] - a[1])[0] ?? [CHANNEL, 0];
const children = storyKeys.map((key) => linear.childrenOf(key));
const created = children.reduce((sum, list) => sum + list.length, 0);
const duplicates = children.reduce((sum, list) => sum + list.length - new Set(list.map((issue) => issue.title)).size, 0);
const withoutSubtasks = children.filter((list) => list.length === 0).length;

const all = bounds({
  modelCalls: answered.length,
  modelMs: MODEL_MS,
  outputTokensPerCall: OUTPUT_TOKENS,
  requestsPerMinute: RPM,
  outputTokensPerMinute: OTPM,
  modelConcurrency,
  linearRequests: linearReads + linearWrites,
  linearPerHour: LINEAR_RPH,
  slackMessages: busiest[1],
  slackPerSecond: SLACK_PER_SECOND,
  slackBurst: SLACK_BURST,
});
const bound = binding(all);
const wallMs = lastDoneAt !== null ? lastDoneAt - sentAt : null;
const ratio = wallMs !== null && bound.seconds > 0 ? wallMs / 1000 / bound.seconds : null;
const met = finished && ratio !== null && ratio <= TARGET_RATIO && state.failed === 0;

/** Why the target was missed, every reason that holds. */
function missedBecause(): string[] {
  const reasons: string[] = [];
  if (!finished) reasons.push("timed out");
  if (state.failed > 0) reasons.push(`${state.failed} failed stories`);
  if (ratio === null) reasons.push("no wall time");
  else if (ratio > TARGET_RATIO) reasons.push(`${ratio.toFixed(3)} > ${TARGET_RATIO}`);
  return reasons;
}

// Where the model calls went: answered per minute since /subtasks, and the longest pause.
const perMinute: number[] = [];
for (const call of answered) perMinute[Math.floor((call.at - sentAt) / 60_000)] = (perMinute[Math.floor((call.at - sentAt) / 60_000)] ?? 0) + 1;
const answeredAt = answered.map((call) => call.at).sort((a, b) => a - b);
let longestGap = { ms: 0, after: 0 };
for (let i = 1; i < answeredAt.length; i++) {
  const gap = answeredAt[i]! - answeredAt[i - 1]!;
  if (gap > longestGap.ms) longestGap = { ms: gap, after: answeredAt[i - 1]! - sentAt };
}
const firstCallMs = answeredAt.length > 0 ? answeredAt[0]! - sentAt : null;
const mb = (bytes: number | null) => (bytes === null ? "n/a" : `${(bytes / 1024 / 1024).toFixed(0)} MB`);

const lines = [
  "",
  `bench:epic  ${STORIES} stories, ${PROCESSES} processes (${botCommit}${BOT_DIR ? ` from ${BOT_DIR}` : ""}), RUN_CONCURRENCY ${RUN_CONCURRENCY}, MODEL_CONCURRENCY ${MODEL_CONCURRENCY}${ignored.length > 0 ? ` (not read by these bots: ${ignored.join(", ")})` : ""}`,
  `            Anthropic ${RPM} req/min, ${OTPM} output tokens/min, ${OUTPUT_TOKENS} tokens and ${MODEL_MS} ms per answer; Linear ${LINEAR_RPH} req/hour, 0–${LINEAR_MS} ms; Slack ${SLACK_PER_SECOND}/s per channel, burst ${SLACK_BURST}`,
  `            ${cores()} shared; load average at the end ${loadAverage()}`,
  `  stories                  ${state.completed} completed, ${state.failed} failed, ${state.recorded - state.completed - state.failed} other of ${state.recorded} recorded (target: ${STORIES} completed, 0 failed)${finished ? "" : "  TIMED OUT"}`,
  `  sub-issues               ${created} created under the stories (${STORIES} × 3 = ${STORIES * 3} expected), ${duplicates} duplicates (target 0), ${withoutSubtasks} stories without any`,
  `  wall time                ${wallMs === null ? "n/a (no story finished)" : sec(wallMs)}  from /subtasks to the last story finished`,
  `  Slack final state        ${finalAt === null || lastDoneAt === null ? "never shown" : `${sec(finalAt - lastDoneAt)} after the last story`}  (target ≤ ${sec(FINAL_MESSAGE_TARGET_MS)})`,
  `  ideal (limit-bound)      ${sec(bound.seconds * 1000)}  bound by ${bound.limit}: ${bound.formula}`,
  ...all
    .filter((other) => other !== bound)
    .map((other) => `    ${other.limit.padEnd(31)} ${sec(other.seconds * 1000).padStart(8)}  ${other.formula}${wallMs !== null && other.seconds > 0 ? `  → wall ${(wallMs / 1000 / other.seconds).toFixed(3)}× this` : ""}`),
  `  wall / ideal             ${ratio === null ? "n/a" : ratio.toFixed(3)}  (target ≤ ${TARGET_RATIO} with 0 failed)  → ${met ? "MET" : `MISSED (${missedBecause().join(", ")})`}`,
  `  429s received            Anthropic ${refusedModel}, Linear ${linearRefused} (RATELIMITED), Slack ${slackRefused}  (target 0 from each: the bot paces every provider from its rate-limit headers and Slack by the channel's schedule)`,
  `  model calls              ${answered.length} answered, ${refusedModel} refused; first answer ${firstCallMs === null ? "n/a" : sec(firstCallMs)} after /subtasks; most in flight ${Math.max(0, ...model.map((call) => call.inFlight))}`,
  `    answered per minute    ${perMinute.map((count) => count ?? 0).join(", ")}  (the limit allows ${RPM} a minute after a first burst of ${RPM})`,
  `    longest pause          ${sec(longestGap.ms)} between two answered calls, ${sec(longestGap.after)} into the run  (steady pace: one per ${sec(60_000 / RPM)})`,
  `  tracker requests/story   ${((linearReads + linearWrites) / STORIES).toFixed(2)}  (${(linearReads / STORIES).toFixed(2)} reads + ${(linearWrites / STORIES).toFixed(2)} writes; ${linearReads + linearWrites} answered, ${linearRefused} refused)`,
  `    by operation           ${[...operations].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(", ")}`,
  `  Slack messages           ${accepted.length} accepted (${busiest[1]} in ${busiest[0]}, the busiest channel), ${slackRefused} refused 429${slackRefused > 0 ? ` (${[...slackRefusedBy].map(([method, count]) => `${method} ${count}`).join(", ")})` : ""}`,
  `  peak RSS                 ${peaks.map((peak) => `${peak.name} ${mb(peak.bytes)}`).join(", ")}  (VmHWM)`,
  `    JS heap used at the end ${peaks.map((peak) => `${peak.name} ${mb(peak.heap)}`).join(", ")}  (nodejs_heap_size_used_bytes on /metrics)`,
  "",
];
process.stdout.write(lines.join("\n"));

await db.end();
for (const front of Object.values(fronts)) await front.close();
await anthropic.close();
linear.stop();
slack.stop();
if (process.env.BENCH_KEEP) say(`kept database ${scratch.url}`);
else await scratch.drop();
process.exit(0);
