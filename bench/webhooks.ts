// npm run bench:webhooks: 2,000 signed Linear deliveries (10% of them repeats of an earlier
// delivery, as Linear's retries are) sent over 32 keep-alive connections to the real app
// (createApp: verify → parse → record the delivery and its run in one statement → enqueue on
// pg-boss) on a real database, then the same deliveries to a bare express handler that only
// verifies the HMAC, and to that handler storing each delivery with one plain INSERT before it
// answers (the floor of any design that, as the issue requires, never answers 200 for a
// delivery it did not store). Prints figures; it is not a test.
//
// The queue is started without workers, so the runs are recorded and enqueued exactly as in
// production but never proceed: no tracker or Claude is called, and the measurement is the
// ingest alone. Logs are written at info level (the default) to a discarding stream, so their
// cost is counted. The client runs in a worker thread. A third figure, the run layer alone
// (startRun called directly, same concurrency, no HTTP), shows the ceiling the recording sets
// for the endpoint.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { Writable } from "node:stream";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import express from "express";
import pg from "pg";
import { createApp } from "../src/app.ts";
import { createCore } from "../src/core.ts";
import { parseConfig } from "../src/config/config.ts";
import { startEmbeddedPostgres } from "../src/db/embedded.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/prisma.ts";
import { createScratchDatabase } from "../src/db/scratch-database.ts";
import { listen, type RunningServer } from "../src/http/listen.ts";
import { createLogger } from "../src/log/logger.ts";
import { RESOLVE_QUEUE } from "../src/runs/queue.ts";
import type { RunService } from "../src/runs/service.ts";
import { signatureMatches, signBody } from "../src/webhooks/signature.ts";
import { FakeGenerator } from "../test/support/fake-generator.ts";
import { FakeTracker } from "../test/support/fake-tracker.ts";
import { webhookFixture } from "../test/support/webhooks/deliveries.ts";

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2_000);
const REPEATED = Number(process.env.BENCH_REPEATED ?? 0.1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const SECRET = "lin_wh_bench_4f8c2e1a9b7d6c5e3f2a1b0c9d8e7f6a";

interface Delivery {
  readonly id: string;
  readonly body: string;
  readonly signature: string;
}

/** One signed label-added delivery per issue, then repeats of random earlier ones placed after them. */
function deliveries(prefix: string, count: number, repeatedShare: number): Delivery[] {
  const template = webhookFixture("linear/issue-label-added.json");
  const unique = Math.round(count * (1 - repeatedShare));
  const list: Delivery[] = Array.from({ length: unique }, (_, i) => {
    const payload = structuredClone(template);
    payload.data.id = randomUUID();
    payload.data.number = i + 1;
    payload.data.identifier = `ENG-${i + 1}`;
    payload.webhookTimestamp = Date.now();
    const body = JSON.stringify(payload);
    return { id: `${prefix}-${randomUUID()}`, body, signature: signBody(body, SECRET) };
  });
  for (let n = unique; n < count; n++) {
    const original = Math.floor(Math.random() * unique);
    const at = original + 1 + Math.floor(Math.random() * (list.length - original));
    list.splice(at, 0, list[original]!);
  }
  return list;
}

interface Result {
  readonly status: number;
  readonly outcome: string;
  readonly ms: number;
}

/** Sends every delivery over `connections` keep-alive sockets, `connections` requests in flight. */
async function sendAll(port: number, list: readonly Delivery[], connections: number): Promise<{ results: Result[]; wallMs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const results: Result[] = [];
  let next = 0;
  const one = (delivery: Delivery) =>
    new Promise<Result>((resolve, reject) => {
      const started = performance.now();
      const request = http.request(
        {
          agent,
          port,
          host: "127.0.0.1",
          method: "POST",
          path: "/webhooks/linear",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(delivery.body),
            "linear-delivery": delivery.id,
            "linear-event": "Issue",
            "linear-signature": delivery.signature,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            let outcome = "?";
            try {
              outcome = (JSON.parse(text) as { status?: string; error?: string }).status ?? "error";
            } catch {
              outcome = "not-json";
            }
            resolve({ status: response.statusCode ?? 0, outcome, ms: performance.now() - started });
          });
        },
      );
      request.on("error", reject);
      request.end(delivery.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < list.length) results.push(await one(list[next++]!));
    }),
  );
  const wallMs = performance.now() - started;
  agent.destroy();
  return { results, wallMs };
}

function summary(results: readonly Result[], wallMs: number) {
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const outcomes: Record<string, number> = {};
  for (const result of results) {
    const key = `${result.status} ${result.outcome}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return { perSecond: (results.length / wallMs) * 1000, p50: at(0.5), p99: at(0.99), outcomes };
}

/** startRun for `count` new label runs, `concurrency` at a time; deliveries/s. */
async function recordDirectly(runs: Pick<RunService, "startRun">, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        await runs.startRun({
          trigger: "TRACKER_LABEL",
          refs: [{ tracker: "linear", key: `ENG-${next}`, kind: "issue", input: `ENG-${next}` }],
          requestedBy: "bench",
          delivery: { provider: "LINEAR", deliveryId: `direct-${randomUUID()}`, event: "Issue.update" },
        });
      }
    }),
  );
  return (count / (performance.now() - started)) * 1000;
}

/** The floor: express reading the raw body and checking the HMAC, nothing else. */
async function bareHandler(): Promise<RunningServer> {
  const bare = express();
  bare.post("/webhooks/linear", express.raw({ type: () => true, limit: 1024 * 1024 }), (req, res) => {
    const ok = signatureMatches(req.body as Buffer, SECRET, req.get("linear-signature") ?? "");
    res.status(ok ? 200 : 401).json(ok ? { status: "verified" } : { error: "invalid_signature" });
  });
  return listen(bare, 0);
}

/**
 * The floor of a durable design: the bare handler that also stores each delivery with one plain
 * INSERT (its own table, a pool of the bot's default size) before answering.
 */
async function storingHandler(pool: pg.Pool): Promise<RunningServer> {
  await pool.query(`CREATE TABLE floor_delivery (id text PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
  const floor = express();
  floor.post("/webhooks/linear", express.raw({ type: () => true, limit: 1024 * 1024 }), async (req, res) => {
    if (!signatureMatches(req.body as Buffer, SECRET, req.get("linear-signature") ?? "")) {
      res.status(401).json({ error: "invalid_signature" });
      return;
    }
    try {
      const stored = await pool.query(`INSERT INTO floor_delivery (id, body) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [req.get("linear-delivery"), req.body]);
      res.status(200).json({ status: stored.rowCount === 1 ? "stored" : "duplicate" });
    } catch {
      res.status(503).json({ error: "unavailable" });
    }
  });
  return listen(floor, 0);
}

/**
 * The client runs in a worker thread, so that sending and timing requests does not take the
 * server's event loop (both share this machine's cores with PostgreSQL all the same).
 */
function send(port: number, list: readonly Delivery[], connections: number): Promise<{ results: Result[]; wallMs: number }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { port, list, connections } });
  return new Promise((resolve, reject) => {
    worker.once("message", (message: { results: Result[]; wallMs: number }) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

if (!isMainThread) {
  const { port, list, connections } = workerData as { port: number; list: Delivery[]; connections: number };
  parentPort!.postMessage(await sendAll(port, list, connections));
} else {
  await main();
}

async function main(): Promise<void> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const setupLogger = createLogger({ level: "warn" });
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(`.data/bench-${randomBytes(3).toString("hex")}`, setupLogger);
  const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? embedded!.url, "bench_webhooks");
  await migrate(scratch.url, setupLogger);
  // The pool size the bot uses (openDatabase's default).
  const db = openDatabase(scratch.url);
  const config = parseConfig({ DATABASE_URL: scratch.url, LINEAR_API_KEY: "lin_api_bench", LINEAR_WEBHOOK_SECRET: SECRET });
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets, destination: quiet });
  // The queue without workers (see the top of the file); the sweeper stays off with it.
  const core = await createCore(config, { logger, db, trackers: { linear: new FakeTracker() }, generator: new FakeGenerator(), work: false, sweepIntervalMs: 0 });
  const app = await createApp(core);
  await core.start();
  const server = await listen(app.http, 0);
  const bare = await bareHandler();
  const floorPool = new pg.Pool({ connectionString: scratch.url, max: 10 });
  const floor = await storingHandler(floorPool);

  // Warm-up, so neither side is measured while its code is still being compiled.
  await send(server.port, deliveries("warmup", WARMUP, 0), CONNECTIONS);
  await send(bare.port, deliveries("warmup", WARMUP, 0), CONNECTIONS);
  await send(floor.port, deliveries("warmup", WARMUP, 0), CONNECTIONS);

  const list = deliveries("bench", DELIVERIES, REPEATED);
  const uniqueCount = new Set(list.map((d) => d.id)).size;
  const measured = await send(server.port, list, CONNECTIONS);
  const baseline = await send(bare.port, list, CONNECTIONS);
  const stored = await send(floor.port, list, CONNECTIONS);

  // The ceiling the run layer sets: the same record + enqueue, called directly, no HTTP.
  const direct = await recordDirectly(core.runs, list.length, CONNECTIONS);

  const benchDeliveries = await db.prisma.webhookDelivery.findMany({ where: { deliveryId: { startsWith: "bench-" } }, select: { runId: true } });
  const recorded = benchDeliveries.length;
  const runIds = benchDeliveries.flatMap((delivery) => (delivery.runId ? [delivery.runId] : []));
  const runsStarted = await db.prisma.run.count({ where: { id: { in: runIds } } });
  const enqueued = await db.pool
    .query<{ count: number }>("SELECT count(*)::int AS count FROM pgboss.job WHERE name = $1", [RESOLVE_QUEUE])
    .then((r) => r.rows[0]!.count - WARMUP - list.length);

  const app_ = summary(measured.results, measured.wallMs);
  const bare_ = summary(baseline.results, baseline.wallMs);
  const floor_ = summary(stored.results, stored.wallMs);
  const ratio = bare_.perSecond / app_.perSecond;
  const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(8);
  console.log(`bench:webhooks  ${DELIVERIES} signed Linear deliveries (${uniqueCount} unique, ${DELIVERIES - uniqueCount} repeated), ${CONNECTIONS} connections, ${WARMUP} warm-up each`);
  console.log(`                        deliveries/s    p50 ms    p99 ms`);
  console.log(`  createApp (real DB)   ${fmt(app_.perSecond)}  ${fmt(app_.p50, 2)}  ${fmt(app_.p99, 2)}   (target ≥ 1000/s: ${app_.perSecond >= 1000 ? "met" : "MISSED"})`);
  console.log(`  bare HMAC handler     ${fmt(bare_.perSecond)}  ${fmt(bare_.p50, 2)}  ${fmt(bare_.p99, 2)}`);
  console.log(`  bare + one INSERT     ${fmt(floor_.perSecond)}  ${fmt(floor_.p50, 2)}  ${fmt(floor_.p99, 2)}   (ratio bare/this ${fmt(bare_.perSecond / floor_.perSecond, 2).trim()}: the floor of storing before answering)`);
  console.log(`  run layer alone       ${fmt(direct)}                        (startRun per delivery, no HTTP)`);
  console.log(`  ratio bare/app        ${fmt(ratio, 2)}                        (deliveries/s; target ≤ 2.00: ${ratio <= 2 ? "met" : "MISSED"})`);
  console.log(`  ratio app/bare p99                        ${fmt(app_.p99 / bare_.p99, 2)}   (latency, for comparison)`);
  console.log(`  answers (app)         ${JSON.stringify(app_.outcomes)}`);
  console.log(`  answers (bare)        ${JSON.stringify(bare_.outcomes)}`);
  console.log(`  answers (floor)       ${JSON.stringify(floor_.outcomes)}`);
  console.log(`  runs started          ${runsStarted} (unique deliveries ${uniqueCount}; deliveries recorded ${recorded}; resolve jobs enqueued ${enqueued})  ${runsStarted === uniqueCount && enqueued === uniqueCount ? "OK" : "MISMATCH"}`);

  await server.close();
  await bare.close();
  await floor.close();
  await floorPool.end();
  await core.stop();
  await db.close();
  if (!process.env.BENCH_KEEP) await scratch.drop();
  else console.log(`  kept database ${scratch.url}`);
  await embedded?.stop();
  process.exit(runsStarted === uniqueCount ? 0 : 1);
}
