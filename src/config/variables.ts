import { z } from "zod";

/**
 * Every environment variable the bot reads, with its parser and its documentation.
 * The README's configuration table is rendered from this list (npm run docs:config)
 * and a test fails when the two drift apart.
 */
export interface VariableSpec {
  /** Parses the raw value; undefined when the variable is unset or empty. */
  readonly schema: z.ZodType;
  /** Completes the sentence "<NAME> must be …" in a start-up error. */
  readonly expected: string;
  readonly meaning: string;
  readonly defaultText: string;
  /** Never logged, never echoed in an error message. */
  readonly secret?: boolean;
}

const url = z.url({ protocol: /^https?$/ });
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });
const text = z.string().trim().min(1);

function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);
}

export const variables = {
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    expected: "a postgres:// or postgresql:// URL",
    meaning: "Postgres URL",
    defaultText: "unset: embedded PostgreSQL under ./.data",
    secret: true,
  },
  PORT: {
    schema: integer(1, 65535, 3000),
    expected: "an integer from 1 to 65535",
    meaning: "HTTP port",
    defaultText: "3000",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    expected: "one of fatal, error, warn, info, debug, trace, silent",
    meaning: "pino level",
    defaultText: "info",
  },
  SLACK_BOT_TOKEN: {
    schema: z.string().startsWith("xoxb-").optional(),
    expected: "a bot token starting with xoxb-",
    meaning: "Slack bot token",
    defaultText: "Slack off when unset",
    secret: true,
  },
  SLACK_SIGNING_SECRET: {
    schema: text.optional(),
    expected: "the app's signing secret",
    meaning: "Slack signing secret, verifies every request from Slack",
    defaultText: "Slack off when unset",
    secret: true,
  },
  SLACK_APP_TOKEN: {
    schema: z.string().startsWith("xapp-").optional(),
    expected: "an app-level token starting with xapp-",
    meaning: "use Socket Mode instead of HTTP",
    defaultText: "unset",
    secret: true,
  },
  SLACK_API_URL: {
    schema: url.default("https://slack.com/api/"),
    expected: "a URL",
    meaning: "Slack Web API base URL",
    defaultText: "https://slack.com/api/",
  },
  SLACK_DEFAULT_CHANNEL: {
    schema: text.optional(),
    expected: "a channel id such as C0123456789",
    meaning: "channel for runs started by a tracker label",
    defaultText: "unset: no Slack post",
  },
  LINEAR_API_KEY: {
    schema: text.optional(),
    expected: "a Linear API key",
    meaning: "Linear API key",
    defaultText: "Linear off when unset",
    secret: true,
  },
  LINEAR_WEBHOOK_SECRET: {
    schema: text.optional(),
    expected: "the Linear webhook signing secret",
    meaning: "Linear webhook signing secret",
    defaultText: "unset: Linear webhooks refused",
    secret: true,
  },
  LINEAR_API_URL: {
    schema: url.default("https://api.linear.app/graphql"),
    expected: "a URL",
    meaning: "Linear GraphQL endpoint",
    defaultText: "https://api.linear.app/graphql",
  },
  JIRA_BASE_URL: {
    schema: url.optional(),
    expected: "a URL such as https://your-site.atlassian.net",
    meaning: "Jira Cloud site",
    defaultText: "Jira off when unset",
  },
  JIRA_EMAIL: {
    schema: z.email().optional(),
    expected: "an email address",
    meaning: "Jira account email (basic auth)",
    defaultText: "Jira off when unset",
  },
  JIRA_API_TOKEN: {
    schema: text.optional(),
    expected: "a Jira API token",
    meaning: "Jira API token (basic auth)",
    defaultText: "Jira off when unset",
    secret: true,
  },
  JIRA_WEBHOOK_SECRET: {
    schema: text.optional(),
    expected: "the Jira webhook secret",
    meaning: "secret of the Jira webhook",
    defaultText: "unset: Jira webhooks refused",
    secret: true,
  },
  ANTHROPIC_API_KEY: {
    schema: text.optional(),
    expected: "an Anthropic API key",
    meaning: "Anthropic API key",
    defaultText: "unset: generation off",
    secret: true,
  },
  ANTHROPIC_BASE_URL: {
    schema: url.default("https://api.anthropic.com"),
    expected: "a URL",
    meaning: "Anthropic API base URL",
    defaultText: "https://api.anthropic.com",
  },
  ANTHROPIC_MODEL: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9.\-@:]*$/).default("claude-sonnet-5-5"),
    expected: "a model id such as claude-sonnet-5-5",
    meaning: "model id",
    defaultText: "claude-sonnet-5-5",
  },
  TRIGGER_LABEL: {
    schema: text.max(100).default("ai:subtasks"),
    expected: "a label name of at most 100 characters",
    meaning: "label that starts a run",
    defaultText: "ai:subtasks",
  },
  DONE_LABEL: {
    schema: text.max(100).default("subtasks:done"),
    expected: "a label name of at most 100 characters",
    meaning: "label that replaces the trigger label when a run's story is done",
    defaultText: "subtasks:done",
  },
  FAILED_LABEL: {
    schema: text.max(100).default("subtasks:failed"),
    expected: "a label name of at most 100 characters",
    meaning: "label that replaces the trigger label when a run's story failed",
    defaultText: "subtasks:failed",
  },
  DEFAULT_TRACKER: {
    schema: z.enum(["linear", "jira"]).optional(),
    expected: "linear or jira",
    meaning: "`linear` or `jira`, for bare keys when both are configured",
    defaultText: "the only configured one",
  },
  RUN_CONCURRENCY: {
    schema: integer(0, 64, 4),
    expected: "an integer from 0 to 64",
    meaning: "stories generated at once per process; 0: this process only answers HTTP (Slack, webhooks) and leaves the work to other processes on the same database",
    defaultText: "4",
  },
  EPIC_STORY_LIMIT: {
    schema: integer(1, 500, 50),
    expected: "an integer from 1 to 500",
    meaning: "most stories one epic contributes to a run (the rest are reported, not run)",
    defaultText: "50",
  },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
export const variableNames = Object.keys(variables) as VariableName[];
export const secretVariableNames = variableNames.filter(
  (name) => (variables[name] as VariableSpec).secret === true,
);
