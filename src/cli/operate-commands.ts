// `subtasks setup <tracker>` and `subtasks doctor`: they work on the trackers and providers,
// not on runs, so they need no queue; doctor opens the database only to look at it.
import pg from "pg";
import type { Config } from "../config/config.ts";
import { databaseCheck } from "../db/checks.ts";
import { EmbeddedDatabaseError, startEmbeddedPostgres } from "../db/embedded.ts";
import { EMBEDDED_DATA_DIR } from "../db/runtime-database.ts";
import type { Logger } from "../log/logger.ts";
import { failed, passed, renderChecklist, runChecks, type Check } from "../operate/checklist.ts";
import { configuredChecks, operateDeps } from "../operate/doctor.ts";
import { renderSetupReport, setupExitCode } from "../operate/setup-report.ts";
import { trackerRegistry } from "../trackers/registry.ts";
import type { TrackerName } from "../trackers/types.ts";
import { EXIT_OK, EXIT_USAGE, type Output } from "./commands.ts";

export async function setupCommand(
  config: Config,
  logger: Logger,
  command: { readonly tracker: TrackerName; readonly scopes: readonly string[]; readonly dryRun: boolean },
  output: Output,
): Promise<number> {
  const entry = trackerRegistry[command.tracker];
  if (config.trackers[command.tracker] === null) {
    output.err(`subtasks: ${entry.displayName} is not configured: ${entry.configureHint}`);
    return EXIT_USAGE;
  }
  const report = await entry.setup(operateDeps(config, logger, entry) as never, { scopes: command.scopes, dryRun: command.dryRun });
  output.out(renderSetupReport(entry.displayName, report, command.dryRun));
  return setupExitCode(report);
}

/** The database line: DATABASE_URL's server, or the embedded one started just to look. */
function doctorDatabaseCheck(config: Config, logger: Logger): Check {
  return {
    name: "Database: migrations",
    async run() {
      if (config.databaseUrl) {
        const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1, connectionTimeoutMillis: 5_000 });
        pool.on("error", () => undefined);
        try {
          return await databaseCheck(pool, "DATABASE_URL's server").run();
        } finally {
          await pool.end();
        }
      }
      let embedded;
      try {
        embedded = await startEmbeddedPostgres(EMBEDDED_DATA_DIR, logger);
      } catch (error) {
        if (!(error instanceof EmbeddedDatabaseError)) throw error;
        // A bot running on it holds the cluster; it applied the migrations when it started.
        if (error.message.includes("in use by another process")) return passed("the embedded PostgreSQL is in use by a running bot, which applies migrations at start");
        return failed(error.message.replace(/^embedded PostgreSQL: /, "embedded PostgreSQL: "), "see the line above; or set DATABASE_URL to use your own PostgreSQL");
      }
      const pool = new pg.Pool({ connectionString: embedded.url, max: 1 });
      try {
        return await databaseCheck(pool, "the embedded PostgreSQL").run();
      } finally {
        await pool.end();
        await embedded.stop();
      }
    },
  };
}

export async function doctorCommand(config: Config, logger: Logger, output: Output): Promise<number> {
  const checks = configuredChecks({ config, logger, database: doctorDatabaseCheck(config, logger) });
  const results = await runChecks(checks, { thorough: true });
  output.out(renderChecklist(results));
  return results.every((result) => result.ok) ? EXIT_OK : 1;
}
