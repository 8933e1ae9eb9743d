// The process entry: the only module that reads process.env. It parses the configuration,
// opens (or starts) the database, applies migrations, builds the app and handles signals.
import { createApp } from "./app.ts";
import { ConfigError, parseConfig, type Config } from "./config/config.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded.ts";
import { migrate } from "./db/migrate.ts";
import { openDatabase } from "./db/prisma.ts";
import { createLogger } from "./log/logger.ts";

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

let embedded: EmbeddedDatabase | undefined;
let stopping = false;

async function shutdown(signal: string, app?: { stop(): Promise<void> }, close?: () => Promise<void>): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  try {
    await app?.stop();
    await close?.();
    await embedded?.stop();
  } catch (error) {
    logger.error({ err: error }, "error during shutdown");
    process.exitCode = 1;
  }
}

try {
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(".data/postgres", logger);
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  await migrate(databaseUrl, logger);
  const db = openDatabase(databaseUrl);
  const app = await createApp({ config, logger, db });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void shutdown(signal, app, () => db.close()));
  }
  await app.start();
  logger.info({ startupMs: Math.round(performance.now() - startedAt) }, "ready");
} catch (error) {
  logger.fatal({ err: error }, "failed to start");
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
}
