// The CLI's entry (bin/subtasks.js): reads the environment like the bot does, runs one command
// in this process (with its own queue workers for `generate`), prints to stdout, exits.
import { userInfo } from "node:os";
import { pino } from "pino";
import { configuredTrackers, ConfigError, parseConfig } from "../config/config.ts";
import { configuredGenerator, createCore } from "../core.ts";
import { EmbeddedDatabaseError } from "../db/embedded.ts";
import { MigrationError } from "../db/migrate.ts";
import { isAppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";
import { createLogger } from "../log/logger.ts";
import { trackerEntries } from "../trackers/registry.ts";
import type { SettingsScope } from "../settings/team-settings.ts";
import { parseCliArgs, USAGE, UsageError } from "./args.ts";
import { doctorCommand, setupCommand } from "./operate-commands.ts";
import { resolveScope, setSettings, showSettings } from "./settings-command.ts";
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
  if (command.kind === "setup") return setupCommand(config, logger, command, output);
  if (command.kind === "doctor") return doctorCommand(config, logger, output);
  if (command.kind === "generate-file") return generateFileCommand(configuredGenerator(config, logger), command.file, command.count, output);

  let scope: SettingsScope | undefined;
  if (command.kind === "settings-set" || (command.kind === "settings-show" && command.scope !== undefined)) {
    try {
      scope = resolveScope(command.scope!, config);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      output.err(`subtasks: ${error.message}`);
      return EXIT_USAGE;
    }
  }

  let refs = null;
  if (command.kind === "generate") {
    if (configuredTrackers(config).length === 0) {
      output.err(`subtasks: no tracker is configured: ${trackerEntries.map((entry) => entry.configureHint).join(", or ")}`);
      return EXIT_USAGE;
    }
    refs = parseRefs(command.refs, config, output);
    if (!refs) return EXIT_USAGE;
  }

  const core = await createCore(config, {
    logger,
    // The CLI works on its own run even where the bot's processes are web-only.
    concurrency: Math.max(config.runConcurrency, 1),
    work: command.kind === "generate",
    sweepIntervalMs: 0,
  });
  const { runs } = core;
  try {
    if (command.kind === "settings-show") return await showSettings(core.settings, scope, output);
    if (command.kind === "settings-set") return await setSettings(core.settings, scope!, command.edit, command.guidanceFile, userInfo().username, output);
    await core.start();
    if (command.kind === "generate") {
      return await generateCommand({ runs, requestedBy: userInfo().username, output }, refs!, {
        what: command.what,
        dryRun: command.dryRun,
        ...(command.thenSubtasks ? { thenSubtasks: true } : {}),
        ...(command.count ? { count: command.count } : {}),
        ...(command.instruction ? { instruction: command.instruction } : {}),
      });
    }
    if (command.kind === "runs") return await runsCommand(runs, command.limit, output);
    return await showCommand(runs, command.runId, output);
  } finally {
    await core.stop();
  }
}

let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2));
} catch (error) {
  const expected = isAppError(error) || error instanceof MigrationError || error instanceof EmbeddedDatabaseError;
  output.err(`subtasks: ${expected ? (error as Error).message : ((error as Error).stack ?? String(error))}`);
  exitCode = isAppError(error) && error.code === ErrorCode.InvalidStoryFile ? EXIT_USAGE : 1;
}
// Explicit: pending handles (a pool's idle timer) must not keep the CLI alive after its answer.
process.exit(exitCode);
