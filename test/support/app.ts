// Starts the real service on a test database: startApp() the whole HTTP app on a free port (for
// end-to-end tests that drive it over HTTP while nock plays the providers), startCore() only the
// core (run service, trackers, generator) for tests that need no HTTP. Whatever a test starts is
// stopped after it (setup.ts calls stopStarted), so tests hold no cleanup code of their own.
import { createApp, type App } from "../../src/app.ts";
import { parseConfig, type Config } from "../../src/config/config.ts";
import { createCore, type Core, type CoreDeps } from "../../src/core.ts";
import type { Logger } from "../../src/log/logger.ts";
import type { RunService } from "../../src/runs/service.ts";
import { migratedTestDatabase, type TestDatabase } from "./database.ts";
import { silentLogger } from "./logger.ts";

export interface StartOptions extends Omit<CoreDeps, "logger" | "db"> {
  /** Environment variables as an operator would set them (DATABASE_URL is the test database). */
  readonly env?: Record<string, string>;
  /** Share a database (a second process on the same data); default: a fresh one, dropped at the end. */
  readonly db?: TestDatabase;
  readonly logger?: Logger;
}

export interface StartAppOptions extends StartOptions {
  /** How long an ack or a webhook's 200 waits for the run's insert. */
  readonly recordWithinMs?: number;
}

export interface TestCore {
  readonly core: Core;
  readonly config: Config;
  readonly db: TestDatabase;
  readonly runs: RunService;
  /** Stops it (and drops the database it made); safe to call twice. */
  stop(): Promise<void>;
}

export interface TestApp extends TestCore {
  readonly app: App;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
}

/** Fast crash detection and instant retries: tests wait for outcomes, not for back-off. */
const TEST_DEFAULTS = {
  queueTiming: { pollingIntervalSeconds: 0.5, monitorIntervalSeconds: 2, heartbeatSeconds: 10, retryDelaySeconds: 1 },
  storyRetry: { maxRetries: 3, delayMs: () => 0 },
  sweepIntervalMs: 0,
} as const satisfies Partial<CoreDeps>;

const started = new Set<() => Promise<void>>();

/** Stops everything startApp/startCore started and has not been stopped yet. */
export async function stopStarted(): Promise<void> {
  const stops = [...started];
  started.clear();
  for (const stop of stops.reverse()) await stop();
}

function once(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const wrapped = () => {
    started.delete(wrapped);
    stopping ??= stop();
    return stopping;
  };
  started.add(wrapped);
  return wrapped;
}

async function build(options: StartOptions): Promise<{ core: Core; config: Config; db: TestDatabase; dropDb: boolean }> {
  const { env = {}, db: given, logger = silentLogger, ...deps } = options;
  const db = given ?? (await migratedTestDatabase());
  const config = parseConfig({ ...env, DATABASE_URL: db.url });
  const core = await createCore(config, { ...TEST_DEFAULTS, ...deps, logger, db });
  return { core, config, db, dropDb: !given };
}

export async function startCore(options: StartOptions = {}): Promise<TestCore> {
  const { core, config, db, dropDb } = await build(options);
  await core.start();
  // Not graceful: a test's jobs may hang on purpose (a crash is being played).
  const stop = once(async () => {
    await core.stop({ graceful: false });
    if (dropDb) await db.destroy();
  });
  return { core, config, db, runs: core.runs, stop };
}

export async function startApp(options: StartAppOptions = {}): Promise<TestApp> {
  const { recordWithinMs, ...rest } = options;
  const { core, config, db, dropDb } = await build(rest);
  const app = await createApp(core, recordWithinMs === undefined ? {} : { recordWithinMs });
  const server = await app.start(0);
  const stop = once(async () => {
    await app.stop();
    if (dropDb) await db.destroy();
  });
  return { app, core, config, db, runs: core.runs, baseUrl: `http://127.0.0.1:${server.port}`, stop };
}
