// npm run bench:ack: how fast /subtasks is acknowledged. 2,000 signed `/subtasks ENG-1`
// requests at 200 requests/s (open loop: sent on schedule, whatever the answers) against
//   1. a bare Bolt app on an express server whose listener only calls ack(),
//   1b. the same app awaiting one plain INSERT (its own table, one pool) before the ack: the
//      floor of any design that, as the issue requires, stores the run before answering,
//   2. this service's web side alone: createApp with RUN_CONCURRENCY=0 (a process that records
//      and enqueues runs and leaves the work to other processes): the ack follows one insert,
//      then the parent message is posted and the run enqueued, and
//   3. this service whole (createApp): the same, plus the queue workers running the 2,000 runs
//      (in-process tracker and model) in the same process while the requests keep coming.
// Each side is started, warmed up, measured and stopped before the next one starts, so no side
// is measured while another one still has timers or work in the process. Slack's Web API and
// response_url are a stub HTTP server in a worker thread (Slack is another machine in
// production), and the requests are sent from another worker thread, so neither shares the
// servers' event loop. Prints p50/p99 of each side and the ratios; it is not a test.
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import pg from "pg";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 400);
const SIGNING_SECRET = "bench-signing-secret-0123456789";

interface LoadJob {
  readonly url: string;
  readonly requests: number;
  readonly rate: number;
}

interface LoadResult {
  readonly latencies: number[];
  readonly statuses: Record<string, number>;
  readonly wallMs: number;
}

function sign(body: string, timestamp: number): string {
  return `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** The worker: sends the requests on a fixed schedule and times each one to its last byte. */
async function generateLoad(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const interval = 1000 / job.rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < job.requests; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = new URLSearchParams({
      team_id: "T0BENCH",
      team_domain: "bench",
      channel_id: "C0BENCH",
      channel_name: "bench",
      user_id: `U0BENCH${i % 50}`,
      user_name: "bench",
      command: "/subtasks",
      text: "ENG-1",
      api_app_id: "A0BENCH",
      response_url: `${job.url}/hooks/${i}`,
      trigger_id: `${i}.bench`,
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const sent = performance.now();
    inFlight.push(
      fetch(`${job.url}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(timestamp), "x-slack-signature": sign(body, timestamp) },
        body,
      })
        .then(async (response) => {
          await response.arrayBuffer();
          latencies.push(performance.now() - sent);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        })
        .catch((error: unknown) => {
          statuses[`error ${(error as Error).message}`] = (statuses[`error ${(error as Error).message}`] ?? 0) + 1;
        }),
    );
  }
  await Promise.all(inFlight);
  return { latencies, statuses, wallMs: performance.now() - started };
}

if (isMainThread) {
  await main();
} else if ((workerData as { role: string }).role === "slack") {
  await serveSlackStub();
} else {
  parentPort!.postMessage(await generateLoad(workerData as LoadJob));
}

function runLoad(url: string, requests = REQUESTS): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { role: "load", url, requests, rate: RATE } satisfies LoadJob & { role: string } });
    worker.once("message", (result: LoadResult) => resolve(result));
    worker.once("error", reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summarize(result: LoadResult) {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, result };
}

function listening(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Slack's Web API and response_url (worker thread): every method answers ok, with increasing ts values. */
async function serveSlackStub(): Promise<void> {
  const calls = new Map<string, number>();
  let ts = 1_767_000_000;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const path = request.url ?? "";
      const method = path.startsWith("/api/") ? path.slice(5) : "response_url";
      calls.set(method, (calls.get(method) ?? 0) + 1);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ ok: true, channel: "C0BENCH", ts: `${++ts}.000100`, permalink: "https://bench.slack.test/archives/C0BENCH/p1", user: "subtasks", team: "Bench" }),
      );
    });
  });
  parentPort!.on("message", (message: "calls" | "clear" | "stop") => {
    if (message === "calls") parentPort!.postMessage(Object.fromEntries(calls));
    if (message === "clear") calls.clear();
    if (message === "stop") server.close(() => process.exit(0));
  });
  parentPort!.postMessage(await listening(server));
}

interface SlackStub {
  readonly url: string;
  calls(): Promise<Record<string, number>>;
  clear(): void;
  stop(): void;
}

function startSlackStub(): Promise<SlackStub> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: "slack" } });
  const next = <T>() => new Promise<T>((resolve) => worker.once("message", resolve));
  return next<string>().then((url) => ({
    url,
    calls: () => {
      const answer = next<Record<string, number>>();
      worker.postMessage("calls");
      return answer;
    },
    clear: () => worker.postMessage("clear"),
    stop: () => worker.postMessage("stop"),
  }));
}

async function main(): Promise<void> {
  const [
    { App, ExpressReceiver },
    express,
    { createApp },
    { createCore },
    { FINAL_RUN_STATES },
    { parseConfig },
    { startEmbeddedPostgres },
    { migrate },
    { openDatabase },
    { createScratchDatabase },
    { createLogger },
    { FakeGenerator },
    { FakeTracker },
  ] = await Promise.all([
    import("@slack/bolt"),
    import("express"),
    import("../src/app.ts"),
    import("../src/core.ts"),
    import("../src/runs/states.ts"),
    import("../src/config/config.ts"),
    import("../src/db/embedded.ts"),
    import("../src/db/migrate.ts"),
    import("../src/db/prisma.ts"),
    import("../src/db/scratch-database.ts"),
    import("../src/log/logger.ts"),
    import("../test/support/fake-generator.ts"),
    import("../test/support/fake-tracker.ts"),
  ]);
  const logger = createLogger({ level: "error" });
  const stub = await startSlackStub();

  // Each side is warmed up the same way (JIT compilation, connection pools) at the same rate
  // right before it is measured, so no side is measured while its code is still being compiled.
  const measure = async (url: string) => {
    await runLoad(url, WARMUP);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stub.clear();
    const measured = summarize(await runLoad(url));
    return { ...measured, slackCalls: await stub.calls() };
  };

  /** A Bolt app on an express server whose /subtasks listener runs `before` and then acks. */
  const measureBareBolt = async (before: (command: { trigger_id: string }) => Promise<unknown>) => {
    const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, endpoints: "/slack/events" });
    const bolt = new App({ receiver, authorize: async () => ({ botToken: "xoxb-bench" }), ignoreSelf: false, clientOptions: { slackApiUrl: `${stub.url}/api/` } });
    bolt.command("/subtasks", async ({ command, ack }) => {
      await before(command);
      await ack();
    });
    const http = express.default();
    http.use(receiver.router);
    const server = createServer(http);
    const result = await measure(await listening(server));
    await new Promise((resolve) => server.close(resolve));
    return result;
  };

  // 1. A bare Bolt app that only acks.
  const bareResult = await measureBareBolt(async () => undefined);

  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(`.data/bench-${randomBytes(3).toString("hex")}`, logger);
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url;

  // 1b. The floor the issue allows: the bare app awaiting one durable insert before its ack.
  const floorScratch = await createScratchDatabase(serverUrl, "bench_ack_floor");
  const floorPool = new pg.Pool({ connectionString: floorScratch.url, max: 2 });
  await floorPool.query(`CREATE TABLE floor_run (id text PRIMARY KEY, command jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const floorResult = await measureBareBolt((command) =>
    floorPool.query(`INSERT INTO floor_run (id, command) VALUES ($1, $2)`, [randomBytes(12).toString("hex"), JSON.stringify(command)]),
  );
  await floorPool.end();
  if (!process.env.BENCH_KEEP) await floorScratch.drop();

  const tracker = new FakeTracker({ latencyMs: 20 });
  tracker.addStory("ENG-1");
  const generator = new FakeGenerator({ delayMs: 200 });

  /** createApp on a database of its own, measured, then stopped. */
  const measureService = async (name: string, runConcurrency: string) => {
    const scratch = await createScratchDatabase(serverUrl, name);
    await migrate(scratch.url, logger);
    const db = openDatabase(scratch.url);
    const config = parseConfig({
      DATABASE_URL: scratch.url,
      RUN_CONCURRENCY: runConcurrency,
      LOG_LEVEL: "error",
      SLACK_BOT_TOKEN: "xoxb-bench-token",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `${stub.url}/api/`,
      LINEAR_API_KEY: "lin_api_bench",
    });
    const app = await createApp(await createCore(config, { logger, db, trackers: { linear: tracker }, generator }));
    const result = await measure(`http://127.0.0.1:${(await app.start(0)).port}`);
    const runs = await db.prisma.run.count();
    const finished = await db.prisma.run.count({ where: { status: { in: [...FINAL_RUN_STATES] } } });
    await app.stop();
    await db.close();
    if (!process.env.BENCH_KEEP) await scratch.drop();
    return { ...result, runs, finished };
  };
  // 2. The web side alone: RUN_CONCURRENCY=0, as deployed in front of worker processes.
  const webResult = await measureService("bench_ack_web", "0");
  // 3. This service, whole.
  const appResult = await measureService("bench_ack", "4");

  const row = (name: string, s: ReturnType<typeof summarize>) =>
    `  ${name.padEnd(42)} p50 ${s.p50.toFixed(2).padStart(7)} ms   p99 ${s.p99.toFixed(2).padStart(7)} ms   max ${s.max.toFixed(1).padStart(7)} ms   ${JSON.stringify(s.result.statuses)}  sent in ${(s.result.wallMs / 1000).toFixed(1)} s`;
  console.log(`bench:ack  ${REQUESTS} signed "/subtasks ENG-1" requests at ${RATE}/s, Node ${process.version}`);
  console.log(row("bare Bolt app (ack only)", bareResult));
  console.log(row("bare Bolt app + one INSERT before ack", floorResult));
  console.log(row("subtasks-bot web side (RUN_CONCURRENCY=0)", webResult));
  console.log(row("subtasks-bot whole (createApp)", appResult));
  for (const [name, result] of [["floor", floorResult], ["web side", webResult], ["whole", appResult]] as const) {
    const ratio = result.p99 / bareResult.p99;
    console.log(
      `  ${name.padEnd(9)} p99 ratio to bare ${ratio.toFixed(2)} (target ≤ 1.2: ${ratio <= 1.2 ? "met" : "MISSED"}), p99 ${result.p99.toFixed(2)} ms (target < 100 ms: ${result.p99 < 100 ? "met" : "MISSED"})`,
    );
  }
  console.log(`  runs recorded: web side ${webResult.runs}, whole ${appResult.runs} (${appResult.finished} finished by the end)`);
  console.log(`  Slack stub calls: web side ${JSON.stringify(webResult.slackCalls)}; whole ${JSON.stringify(appResult.slackCalls)}`);

  stub.stop();
  await embedded?.stop();
  process.exit(0);
}
