// The bot's process entry: it reads the environment, builds the core (which opens or starts the
// database and applies migrations) and the app on it, and handles signals. bin/subtasks.js is the
// CLI's entry.
import { createApp, type App } from "./app.ts";
import { ConfigError, parseConfig, type Config } from "./config/config.ts";
import { createCore, type Core } from "./core.ts";
import { EmbeddedDatabaseError } from "./db/embedded.ts";
import { createLogger } from "./log/logger.ts";
import { logStartupChecks } from "./operate/startup-checks.ts";

const EXIT_BAD_CONFIG = 2;

function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(EXIT_BAD_CONFIG);
    }
    throw error;
  }
}

const startedAt = performance.now();
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, secrets: config.secrets });

let core: Core | undefined;
let app: App | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  try {
    await (app ?? core)?.stop();
  } catch (error) {
    logger.error({ err: error }, "error during shutdown");
    process.exitCode = 1;
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void shutdown(signal));

try {
  core = await createCore(config, { logger });
  app = await createApp(core);
  await app.start();
  logger.info({ startupMs: Math.round(performance.now() - startedAt) }, "ready");
  // After "ready", not before: the checks call providers and must not delay serving.
  logStartupChecks(core).catch((error: unknown) => logger.warn({ err: error }, "start-up checks failed to run"));
} catch (error) {
  // A cause the operator can act on is one line with its way out; anything else is logged whole.
  if (error instanceof EmbeddedDatabaseError) process.stderr.write(`${error.message}\n`);
  else logger.fatal({ err: error }, "failed to start");
  await (app ?? core)?.stop().catch(() => undefined);
  process.exit(1);
}
