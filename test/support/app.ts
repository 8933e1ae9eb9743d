// Starts the real service (createApp) on a test database and a free port, for end-to-end
// tests that drive it over HTTP while nock plays the providers.
import { createApp, type App, type AppDeps } from "../../src/app.ts";
import { parseConfig, type Config } from "../../src/config/config.ts";
import { migratedTestDatabase, type TestDatabase } from "./database.ts";
import { silentLogger } from "./logger.ts";

export interface TestApp {
  readonly app: App;
  readonly config: Config;
  readonly db: TestDatabase;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export interface TestAppOptions extends Partial<Omit<AppDeps, "config" | "db">> {
  /** Environment variables as an operator would set them (DATABASE_URL is the test database). */
  readonly env?: Record<string, string>;
  /** Reuse a database (e.g. a second process on the same data); default: a fresh one. */
  readonly db?: TestDatabase;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { env = {}, db: given, ...deps } = options;
  const db = given ?? (await migratedTestDatabase());
  const config = parseConfig({ ...env, DATABASE_URL: db.url });
  const app = await createApp({
    logger: silentLogger,
    queueTiming: { pollingIntervalSeconds: 0.5, monitorIntervalSeconds: 2, heartbeatSeconds: 10, retryDelaySeconds: 1 },
    storyRetry: { maxRetries: 2, delayMs: () => 0 },
    ...deps,
    config,
    db,
  });
  const server = await app.start(0);
  return {
    app,
    config,
    db,
    baseUrl: `http://127.0.0.1:${server.port}`,
    async stop() {
      await app.stop();
      if (!given) await db.destroy();
    },
  };
}
