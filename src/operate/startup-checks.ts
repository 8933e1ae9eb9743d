// After start, the quick checks of `subtasks doctor` (nothing that costs money, writes or takes
// long) as one log line, so an operator sees at once which pasted credential does not work.
import type { Core } from "../core.ts";
import { databaseCheck } from "../db/checks.ts";
import { runChecks, summaryLine } from "./checklist.ts";
import { configuredChecks } from "./doctor.ts";

export async function logStartupChecks(core: Core): Promise<void> {
  const { config, logger } = core;
  const where = config.databaseUrl ? "DATABASE_URL's server" : "the embedded PostgreSQL";
  const checks = configuredChecks({ config, logger, database: databaseCheck(core.db.pool, where) });
  const results = await runChecks(checks, { thorough: false });
  const failures = Object.fromEntries(results.filter((result) => !result.ok).map((result) => [result.name, result.detail]));
  if (Object.keys(failures).length === 0) logger.info(summaryLine(results));
  else logger.warn({ failures }, summaryLine(results));
}
