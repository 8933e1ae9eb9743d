// The CLI's entry (bin/subtasks.js): reads the environment like the bot does, runs one command
// in this process (with its own queue workers for `generate`), prints to stdout, exits.
import { userInfo } from "node:os";
import { pino } from "pino";
import { configuredTrackers, ConfigError, parseConfig } from "../config/config.ts";
import { MigrationError } from "../db/migrate.ts";
import { openRuntimeDatabase } from "../db/runtime-database.ts";
import { isAppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";
import { createAnthropicModelClient, createSubtaskGenerator } from "../generation/index.ts";
import { createLogger } from "../log/logger.ts";
import { createRunService } from "../runs/service.ts";
import { createTrackers } from "../trackers/create-trackers.ts";
import { parseCliArgs, USAGE, UsageError } from "./args.ts";
import { EXIT_OK, EXIT_USAGE, generateCommand, generateFileCommand, parseRefs, runsCommand, showCommand, type Output } from "./commands.ts";

const output: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`subtasks: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command.kind === "help") {
    output.out(USAGE);
    return EXIT_OK;
  }
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(`configuration error: ${error.message}`);
    return EXIT_USAGE;
  }
  // Logs go to stderr (warnings and up unless LOG_LEVEL says otherwise), the results to stdout.
  const level = process.env.LOG_LEVEL ? config.logLevel : "warn";
  const logger = createLogger({ level, secrets: config.secrets, destination: pino.destination(2) });
  const generator = createSubtaskGenerator({ client: createAnthropicModelClient(config.anthropic, { logger }), logger });

  if (command.kind === "generate-file") return generateFileCommand(generator, command.file, command.count, output);

  let refs = null;
  if (command.kind === "generate") {
    if (configuredTrackers(config).length === 0) {
      output.err("subtasks: no tracker is configured: set LINEAR_API_KEY, or JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN");
      return EXIT_USAGE;
    }
    refs = parseRefs(command.refs, config, output);
    if (!refs) return EXIT_USAGE;
  }

  const database = await openRuntimeDatabase(config, logger);
  const runs = createRunService({
    prisma: database.db.prisma,
    intakePool: database.db.intakePool,
    databaseUrl: database.db.url,
    logger,
    trackers: createTrackers({ config, logger }),
    generator,
    // The CLI works on its own run even where the bot's processes are web-only.
    concurrency: Math.max(config.runConcurrency, 1),
    epicStoryLimit: config.epicStoryLimit,
    work: command.kind === "generate",
    sweepIntervalMs: 0,
  });
  try {
    await runs.start();
    if (command.kind === "generate") {
      return await generateCommand({ runs, requestedBy: userInfo().username, output }, refs!, { dryRun: command.dryRun, ...(command.count ? { count: command.count } : {}) });
    }
    if (command.kind === "runs") return await runsCommand(runs, command.limit, output);
    return await showCommand(runs, command.runId, output);
  } finally {
    await runs.stop();
    await database.close();
  }
}

let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2));
} catch (error) {
  const expected = isAppError(error) || error instanceof MigrationError;
  output.err(`subtasks: ${expected ? (error as Error).message : ((error as Error).stack ?? String(error))}`);
  exitCode = isAppError(error) && error.code === ErrorCode.InvalidStoryFile ? EXIT_USAGE : 1;
}
// Explicit: pending handles (a pool's idle timer) must not keep the CLI alive after its answer.
process.exit(exitCode);
