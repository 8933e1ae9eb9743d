// Every check the environment calls for, in the checklist's order: the database, Slack, each
// configured tracker (from its registry entry), Anthropic. `subtasks doctor` runs them all;
// the bot runs the quick ones after start and logs one line.
import type { Config } from "../config/config.ts";
import type { Check } from "./checklist.ts";
import { anthropicChecks } from "../generation/anthropic/checks.ts";
import type { Logger } from "../log/logger.ts";
import { slackChecks } from "../slack/checks.ts";
import { createSlackClient } from "../slack/client.ts";
import type { OperateDeps, TrackerEntry } from "../trackers/entry.ts";
import { BOT_LABEL } from "../trackers/marker.ts";
import { trackerEntries } from "../trackers/registry.ts";
import { webhookPath } from "../webhooks/router.ts";

/** What `setup` and `doctor` hand a tracker: its configuration, its webhook's URL, the bot's labels. */
export function operateDeps(config: Config, logger: Logger, entry: TrackerEntry): OperateDeps<unknown> {
  return {
    config: config.trackers[entry.name],
    logger,
    webhookUrl: config.publicUrl ? `${config.publicUrl}${webhookPath(entry.name)}` : undefined,
    // The trigger label first: a Jira webhook's JQL filter is made from it.
    labels: [config.triggerLabel, config.doneLabel, config.failedLabel, BOT_LABEL],
  };
}

export function configuredChecks(input: {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Check;
}): Check[] {
  const { config, logger } = input;
  // A client of its own: one retry, so a wrong URL or a dead network fails its line in seconds.
  const slack = config.slack ? createSlackClient(config.slack, logger, { retryConfig: { retries: 1 } }) : null;
  return [
    input.database,
    ...(slack ? slackChecks({ client: slack, defaultChannel: config.slack?.defaultChannel }) : []),
    ...trackerEntries.flatMap((entry) => (config.trackers[entry.name] === null ? [] : entry.checks(operateDeps(config, logger, entry)))),
    ...(config.anthropic.apiKey ? anthropicChecks({ ...config.anthropic, apiKey: config.anthropic.apiKey }) : []),
  ];
}
