// npm run chaos: the README's promises ("never a duplicate sub-issue", "never lost work")
// hammered the way Jepsen hammers databases. Two real bot processes (src/main.ts) on one
// PostgreSQL database, local HTTP fronts for Slack, Linear, Jira and Anthropic that add latency
// and failures in front of the stateful fakes of test/support, and a workload of N stories
// across both trackers and all three triggers (/subtasks, the tracker label, the CLI). Meanwhile:
// K kill -9 of a random bot at random moments (each restarted), the bots' database connections
// terminated twice, storms of 429/529 from Anthropic and 5xx from the trackers, and every
// webhook delivered twice. Then it checks the invariants and prints them as a table; exit code
// 0 only when all hold. The seed is printed first: CHAOS_SEED=<seed> replays the same schedule.
//
//   npm run chaos                       N=60 stories, K=30 kills
//   CHAOS_STORIES=12 CHAOS_KILLS=5 npm run chaos
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrate } from "../src/db/migrate.ts";
import { createScratchDatabase } from "../src/db/scratch-database.ts";
import { createLogger } from "../src/log/logger.ts";
import { signBody } from "../src/webhooks/signature.ts";
import { playClaude } from "../test/support/claude.ts";
import { JiraSite } from "../test/support/jira-site.ts";
import { LinearWorkspace } from "../test/support/linear-workspace.ts";
import { webhookFixture } from "../test/support/webhooks/deliveries.ts";
import { JIRA_BASE_URL } from "../test/unit/trackers/support/jira-api.ts";
import { playSlack, RESPONSE_URL_ORIGIN, SLACK_API_URL } from "../test/e2e/slack/support/slack-api.ts";
import { sign, SIGNING_SECRET, slashCommandBody } from "../test/e2e/slack/support/slack-requests.ts";
import { createBot, freePort, type Bot } from "./bots.ts";
import { checkInvariants, slackThreadsNotFinal, type Expected } from "./checks.ts";
import { startFront, type Front } from "./front.ts";
import { seededRandom } from "./random.ts";

const N = Number(process.env.CHAOS_STORIES ?? 60);
const K = Number(process.env.CHAOS_KILLS ?? 30);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** How long faults go on: long enough to spread K kills, at least a minute. */
const FAULT_WINDOW_MS = Math.max(60_000, K * 3_000);
/** After the last fault, how long the bots get to finish everything. */
const SETTLE_TIMEOUT_MS = 5 * 60_000;
/** The runs' sweeper looks for unreported finished runs once a minute, 15 s after they finish. */
const SLACK_SETTLE_MS = 150_000;
const LINEAR_SECRET = "lin_wh_chaos_5d7e9a1b3c";
const JIRA_SECRET = "jira_wh_chaos_3e9a7b1c";
const TRIGGERS = ["SLASH_COMMAND", "TRACKER_LABEL", "CLI"] as const;
const CHANNEL = "C0CHAOS";

const random = seededRandom(SEED);
const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`[chaos ${elapsed()}] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

say(`seed ${SEED} (replay: CHAOS_SEED=${SEED} CHAOS_STORIES=${N} CHAOS_KILLS=${K} npm run chaos)`);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write("chaos: set DATABASE_URL to a PostgreSQL server; the run makes a database of its own there\n");
  process.exit(2);
}
const scratch = await createScratchDatabase(serverUrl, "chaos");
await migrate(scratch.url, createLogger({ level: "warn" }));
const workDir = mkdtempSync(join(tmpdir(), "subtasks-chaos-"));
say(`database ${scratch.name}; bot logs in ${workDir}`);

// ── The providers: stateful fakes behind nock, and the HTTP fronts the bots talk to ─────────
const linear = new LinearWorkspace();
const jira = new JiraSite();
const claude = playClaude("https://anthropic.test", { subtasksPerStory: 3 });
const slack = playSlack();
const fronts = {
  anthropic: await startFront({
    origin: "https://anthropic.test",
    random,
    // A model call takes seconds, as Claude's do: kills land while stories are generating.
    maxLatencyMs: 4_000,
    stormShare: 0.7,
    stormFailures: [
      { status: 429, headers: { "retry-after": "2" }, body: { type: "error", error: { type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit" } } },
      { status: 529, headers: { "retry-after": "3" }, body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } },
    ],
  }),
  linear: await startFront({
    origin: "https://api.linear.app",
    random,
    maxLatencyMs: 150,
    stormShare: 0.5,
    stormFailures: [
      { status: 503, body: { errors: [{ message: "Service unavailable" }] } },
      { status: 500, body: { errors: [{ message: "Internal server error" }] } },
    ],
  }),
  jira: await startFront({
    origin: JIRA_BASE_URL,
    random,
    maxLatencyMs: 150,
    stormShare: 0.5,
    stormFailures: [
      { status: 503, body: { errorMessages: ["Service unavailable"], errors: {} } },
      { status: 502, body: { errorMessages: ["Bad gateway"], errors: {} } },
    ],
  }),
  slack: await startFront({ origin: new URL(SLACK_API_URL).origin, random, maxLatencyMs: 100, stormShare: 0, stormFailures: [] }),
  hooks: await startFront({ origin: RESPONSE_URL_ORIGIN, random, maxLatencyMs: 100, stormShare: 0, stormFailures: [] }),
} satisfies Record<string, Front>;

const env: Record<string, string> = {
  DATABASE_URL: scratch.url,
  LOG_LEVEL: "info",
  RUN_CONCURRENCY: "4",
  SLACK_BOT_TOKEN: "xoxb-chaos-bot-token",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: `${fronts.slack.url}/api/`,
  SLACK_DEFAULT_CHANNEL: CHANNEL,
  LINEAR_API_KEY: "lin_api_chaos_key",
  LINEAR_API_URL: `${fronts.linear.url}/graphql`,
  LINEAR_WEBHOOK_SECRET: LINEAR_SECRET,
  JIRA_BASE_URL: fronts.jira.url,
  JIRA_EMAIL: "bot@acme.test",
  JIRA_API_TOKEN: "jira_chaos_token",
  JIRA_WEBHOOK_SECRET: JIRA_SECRET,
  ANTHROPIC_API_KEY: "sk-ant-chaos-key",
  ANTHROPIC_BASE_URL: fronts.anthropic.url,
};

// ── The workload: N stories, alternating trackers, each with one trigger ──────────────────
const linearLabelled = webhookFixture("linear/issue-label-added.json");
const jiraLabelled = webhookFixture("jira/issue-updated-label-added.json");
const expected: Expected[] = [];
for (let i = 0; i < N; i++) {
  const trigger = TRIGGERS[Math.floor(i / 2) % TRIGGERS.length]!;
  if (i % 2 === 0) {
    const key = `ENG-${i + 1}`;
    const labels = trigger === "TRACKER_LABEL" ? ["Feature", "ai:subtasks"] : ["Feature"];
    const issue = linear.addIssue(key, { title: `Chaos story ${key}`, labels });
    expected.push({ tracker: "linear", key, id: issue.id, trigger, link: `https://linear.app/acme/issue/${key}` });
  } else {
    const labels = trigger === "TRACKER_LABEL" ? ["ai:subtasks", "payments"] : ["payments"];
    const issue = jira.addIssue({ summary: `Chaos story ${i + 1}`, description: "As a buyer I want it to work.", labels });
    expected.push({ tracker: "jira", key: issue.key, id: issue.id, trigger, link: `${fronts.jira.url}/browse/${issue.key}` });
  }
}

const bots: Bot[] = [];
// Stopped half-way (Ctrl-C): the bots go with it.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void Promise.all(bots.map((bot) => bot.kill())).finally(() => process.exit(130));
  });
}
for (const name of ["bot-a", "bot-b"]) bots.push(createBot(name, await freePort(), env, join(workDir, `${name}.log`)));
await Promise.all(bots.map((bot) => bot.start()));
say(`2 bots up: ${bots.map((bot) => bot.url).join(", ")}`);

/** Posts to whichever bot is up; only a connection refused is retried (the request never arrived). */
async function toSomeBot(path: string, body: string, headers: Record<string, string>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const live = bots.filter((bot) => bot.up);
    const bot = live.length > 0 ? random.pick(live) : random.pick(bots);
    try {
      const response = await fetch(`${bot.url}${path}`, { method: "POST", headers, body });
      await response.arrayBuffer();
      return response.status;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`no bot took ${path}`);
}

/** A tracker's delivery, retried with its same id until answered 200, as Linear and Jira do. */
async function deliver(path: string, body: string, headers: Record<string, string>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await toSomeBot(path, body, headers)) === 200) return;
    } catch {
      // no bot at all for a while: wait and retry
    }
    await sleep(1_000);
  }
  throw new Error(`delivery to ${path} never answered 200`);
}

async function sendLabelDelivery(story: Expected): Promise<void> {
  if (story.tracker === "linear") {
    const payload = structuredClone(linearLabelled);
    Object.assign(payload.data, { id: story.id, identifier: story.key, title: `Chaos story ${story.key}`, url: story.link });
    const body = JSON.stringify({ ...payload, webhookTimestamp: Date.now() });
    const headers = { "content-type": "application/json; charset=utf-8", "linear-event": "Issue", "linear-delivery": crypto.randomUUID(), "linear-signature": signBody(body, LINEAR_SECRET) };
    // Every delivery twice, the second a little later: a retry after a lost answer.
    await Promise.all([deliver("/webhooks/linear", body, headers), sleep(random.int(0, 2_000)).then(() => deliver("/webhooks/linear", body, headers))]);
  } else {
    const payload = structuredClone(jiraLabelled);
    payload.issue.key = story.key;
    payload.issue.id = story.id;
    const body = JSON.stringify({ ...payload, timestamp: Date.now() });
    const headers = {
      "content-type": "application/json; charset=UTF-8",
      "x-atlassian-webhook-identifier": String(random.int(1, 2 ** 30)),
      "x-hub-signature": `sha256=${signBody(body, JIRA_SECRET)}`,
    };
    await Promise.all([deliver("/webhooks/jira", body, headers), sleep(random.int(0, 2_000)).then(() => deliver("/webhooks/jira", body, { ...headers, "x-atlassian-webhook-retry": "1" }))]);
  }
}

let slashCounter = 0;
async function sendSlashCommand(story: Expected): Promise<void> {
  const body = slashCommandBody(story.link, { channel_id: CHANNEL, response_url: `${fronts.hooks.url}/commands/T0ACME/${++slashCounter}/chaos` });
  const timestamp = Math.floor(Date.now() / 1000);
  await toSomeBot("/slack/events", body, { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(timestamp), "x-slack-signature": sign(body, timestamp) });
}

/** The CLI trigger: one `subtasks generate` with every CLI story, as an operator would type it. */
function startCli(stories: Expected[]): Promise<number> {
  const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
  const child = spawn(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", cli, "generate", ...stories.map((story) => story.link)], {
    // It records the run and waits; the bots do the work.
    env: { ...process.env, ...env, RUN_CONCURRENCY: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "ignore"],
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
}

// ── Faults, on a schedule drawn from the seed ────────────────────────────────────────────
const faults = { kills: 0, restarts: 0, terminated: 0, storms: 0 };
let lastFaultAt = Date.now();
const faultStart = Date.now();
const at = (offset: number) => sleep(Math.max(0, faultStart + offset - Date.now()));

const killSchedule = Array.from({ length: K }, () => random.int(0, FAULT_WINDOW_MS)).sort((a, b) => a - b);
const terminateSchedule = [random.int(0, FAULT_WINDOW_MS), random.int(0, FAULT_WINDOW_MS)];
const stormSchedule = [
  ...[0, 1].map(() => ({ front: fronts.anthropic, offset: random.int(0, FAULT_WINDOW_MS - 10_000), ms: random.int(3_000, 8_000) })),
  ...[0, 1].map(() => ({ front: random.chance(0.5) ? fronts.linear : fronts.jira, offset: random.int(0, FAULT_WINDOW_MS - 10_000), ms: random.int(3_000, 8_000) })),
];

async function killer(): Promise<void> {
  const restarts: Promise<void>[] = [];
  for (const offset of killSchedule) {
    await at(offset);
    // A bot still coming back from an earlier kill can be killed again while it starts.
    const bot = random.pick(bots);
    await bot.kill();
    faults.kills++;
    lastFaultAt = Date.now();
    say(`kill -9 ${bot.name}`);
    // Restarted in the background, so the next kills keep to the schedule.
    const pause = random.int(200, 3_000);
    restarts.push(
      sleep(pause).then(async () => {
        if (bot.up) return;
        await bot.start().catch((error: Error) => say(`${bot.name} failed to start: ${error.message}`));
        faults.restarts++;
      }),
    );
  }
  await Promise.all(restarts);
  // Whatever is down after the schedule comes back for the end of the run.
  for (const bot of bots) if (!bot.up) await bot.start();
}

async function terminator(): Promise<void> {
  const admin = new pg.Client({ connectionString: scratch.url });
  await admin.connect();
  try {
    for (const offset of terminateSchedule.sort((a, b) => a - b)) {
      await at(offset);
      const { rows } = await admin.query<{ terminated: boolean }>(
        "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      faults.terminated += rows.filter((row) => row.terminated).length;
      lastFaultAt = Date.now();
      say(`pg_terminate_backend: ${rows.length} connections of the bots`);
    }
  } finally {
    await admin.end();
  }
}

async function stormer(): Promise<void> {
  await Promise.all(
    stormSchedule.map(async (storm) => {
      await at(storm.offset);
      storm.front.storm(true);
      faults.storms++;
      say(`storm on ${storm.front.url} for ${storm.ms} ms`);
      await sleep(storm.ms);
      storm.front.storm(false);
      lastFaultAt = Date.now();
    }),
  );
}

async function workload(): Promise<number> {
  const cliStories = expected.filter((story) => story.trigger === "CLI");
  const cli = cliStories.length > 0 ? startCli(cliStories) : Promise.resolve(0);
  const others = random.shuffle(expected.filter((story) => story.trigger !== "CLI"));
  // Spread over most of the fault window, so kills and storms land on work in flight.
  const gap = Math.floor((FAULT_WINDOW_MS * 0.8) / Math.max(1, others.length));
  const sends: Promise<void>[] = [];
  for (const story of others) {
    sends.push(story.trigger === "SLASH_COMMAND" ? sendSlashCommand(story) : sendLabelDelivery(story));
    await sleep(gap);
  }
  await Promise.all(sends);
  say(`workload sent: ${others.length} via Slack and webhooks, ${cliStories.length} via the CLI`);
  return cli;
}

const cliExit = workload();
await Promise.all([killer(), terminator(), stormer()]);
say(`faults over: ${faults.kills} kills, ${faults.terminated} connections terminated, ${faults.storms} storms`);

// ── Settle, then check ───────────────────────────────────────────────────────────────────
const db = new pg.Pool({ connectionString: scratch.url, max: 2 });
const settleDeadline = Date.now() + SETTLE_TIMEOUT_MS;
let lastDoneAt: number | null = null;
while (Date.now() < settleDeadline) {
  const { rows } = await db.query<{ open: number; last: Date | null }>(
    `SELECT count(*) FILTER (WHERE status NOT IN ('COMPLETED','FAILED','SKIPPED'))::int AS open, max("completedAt") AS last FROM "RunStory"`,
  );
  const { rows: runs } = await db.query<{ open: number }>(`SELECT count(*) FILTER (WHERE status IN ('QUEUED','RUNNING'))::int AS open FROM "Run"`);
  const recorded = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "RunStory"`)).rows[0]!.n;
  if (rows[0]!.open === 0 && runs[0]!.open === 0 && recorded >= N) {
    lastDoneAt = rows[0]!.last?.getTime() ?? null;
    break;
  }
  await sleep(2_000);
}
// The reporter updates the parents just after the last story; a message whose update died with
// its process is sent again by a sweeper (once a minute): wait for them, within the deadline.
await sleep(5_000);
const slackDeadline = Math.min(settleDeadline, Date.now() + SLACK_SETTLE_MS);
while (Date.now() < slackDeadline && (await slackThreadsNotFinal(db, slack)).notFinal.length > 0) await sleep(2_000);
say(`CLI exited with ${await Promise.race([cliExit, sleep(10_000).then(() => "still waiting")])}`);

const results = await checkInvariants({ db, expected, linear, jira, slack, lastFaultAt, lastDoneAt });
await Promise.all(bots.map((bot) => bot.kill()));
await db.end();
for (const front of Object.values(fronts)) await front.close();
linear.stop();
jira.stop();
claude.stop();
slack.stop();

const failures = Object.values(fronts).flatMap((front) => [...front.failed].map(([status, count]) => `${count}×${status}`));
process.stdout.write(
  [
    "",
    `chaos run: seed ${SEED}, N=${N} stories, K=${K} kills (${faults.kills} done), ${faults.terminated} database connections terminated,`,
    `           ${faults.storms} storms (${failures.join(", ") || "no failures answered"}), ${claude.asked.length} model calls answered`,
    "",
    "| check | result | detail |",
    "|---|---|---|",
    ...results.map((result) => `| ${result.check} | ${result.ok ? "ok" : "FAILED"} | ${result.detail} |`),
    "",
  ].join("\n"),
);
if (results.every((result) => result.ok)) {
  await scratch.drop();
  process.exit(0);
}
say(`database ${scratch.name} kept for inspection`);
process.exit(1);
