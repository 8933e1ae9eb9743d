/**
 * Every environment variable the bot reads, with its parser and its documentation: the core
 * ones here, each tracker's in its own folder (trackers/<name>/config.ts, via the registry).
 * The README's configuration table is rendered from them (npm run docs:config) and a test
 * fails when the two drift apart.
 */
import { z } from "zod";
import { REASONING_EFFORTS } from "../generation/model-client.ts";
import { trackerEntries, trackerNames, type TrackerRegistry } from "../trackers/registry.ts";
import type { TrackerName } from "../trackers/types.ts";
import { flag, httpUrl, integer, postgresUrl, text, type VariableSpec, type VariableSpecs } from "./variable-spec.ts";

export type { VariableSpec } from "./variable-spec.ts";

const coreVariables = {
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    expected: "a postgres:// or postgresql:// URL",
    meaning: "Postgres URL",
    defaultText: "unset: embedded PostgreSQL under ./.data (as root: under /var/lib/subtasks-bot)",
    secret: true,
  },
  PUBLIC_URL: {
    schema: httpUrl.transform((url) => url.replace(/\/+$/, "")).optional(),
    expected: "the bot's public base URL, such as https://bot.example.com",
    meaning: "where Slack, the trackers and browsers reach the bot over HTTPS; `subtasks setup` points the webhooks at it, `subtasks doctor` checks they do, and the Linear agent's OAuth redirect is `<PUBLIC_URL>/linear/oauth/callback`",
    defaultText: "unset: webhooks are set up by hand (needed with LINEAR_CLIENT_ID)",
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
    schema: httpUrl.default("https://slack.com/api/"),
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
  ANTHROPIC_API_KEY: {
    schema: text.optional(),
    expected: "an Anthropic API key",
    meaning: "Anthropic API key",
    defaultText: "unset: generation off",
    secret: true,
  },
  ANTHROPIC_BASE_URL: {
    schema: httpUrl.default("https://api.anthropic.com"),
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
  ANTHROPIC_EFFORT: {
    schema: z.enum(REASONING_EFFORTS).optional(),
    expected: `one of ${REASONING_EFFORTS.join(", ")}`,
    meaning: "how much thinking Claude puts into each answer (`output_config.effort`); lower is faster and cheaper",
    defaultText: "unset: the API's default",
  },
  TRIGGER_LABEL: {
    schema: text.max(100).default("ai:subtasks"),
    expected: "a label name of at most 100 characters",
    meaning: "label that starts a run",
    defaultText: "ai:subtasks",
  },
  STORIES_LABEL: {
    schema: text.max(100).default("ai:stories"),
    expected: "a label name of at most 100 characters",
    meaning: "label that, added to an epic, starts a stories run (user stories with acceptance criteria); DONE_LABEL or FAILED_LABEL replaces it after",
    defaultText: "ai:stories",
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
    schema: z.enum(trackerNames as [TrackerName, ...TrackerName[]]).optional(),
    expected: trackerNames.join(" or "),
    meaning: `${trackerNames.map((name) => `\`${name}\``).join(" or ")}, for bare keys when several trackers are configured`,
    defaultText: "the only configured one",
  },
  RUN_CONCURRENCY: {
    schema: integer(0, 64, 4),
    expected: "an integer from 0 to 64",
    meaning:
      "stories worked on at once per process (each from its model call to its last tracker write; the next story is claimed while that write is under way, and the queue runs twice as many workers, so bookkeeping never holds a story back; the shared database pool has a connection for each); 0: this process only answers HTTP (Slack, webhooks) and leaves the work to other processes on the same database",
    defaultText: "4",
  },
  MODEL_CONCURRENCY: {
    schema: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(256)).optional(),
    expected: "an integer from 1 to 256",
    meaning:
      "most model calls in flight across every process sharing the database; halves on a 429 or 529 from Anthropic and grows back after successes",
    defaultText: "RUN_CONCURRENCY (at least 1)",
  },
  TRACKER_CONCURRENCY: {
    schema: integer(1, 64, 8),
    expected: "an integer from 1 to 64",
    meaning:
      "most requests in flight to one Linear workspace or Jira site across every process sharing the database; halves on a 429 and grows back after successes, and calls are spread out when the rate-limit headers say less than a fifth of the window is left",
    defaultText: "8",
  },
  EPIC_STORY_LIMIT: {
    schema: integer(1, 500, 50),
    expected: "an integer from 1 to 500",
    meaning: "most stories one epic contributes to a run (the rest are reported, not run)",
    defaultText: "50",
  },
  TOKEN_ENCRYPTION_KEY: {
    schema: z.string().trim().regex(/^[0-9a-fA-F]{64}$/).optional(),
    expected: "64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`",
    meaning: "key that encrypts the stored Linear app tokens (AES-256-GCM)",
    defaultText: "unset: needed with LINEAR_CLIENT_ID",
    secret: true,
  },
  SETTINGS_EDITORS: {
    schema: z
      .string()
      .regex(/^\s*[UW][A-Z0-9]{2,}(\s*,\s*[UW][A-Z0-9]{2,})*\s*$/)
      .transform((text) => text.split(",").map((id) => id.trim()))
      .optional(),
    expected: "Slack user ids separated by commas, such as U0123ABCD,U0456EFGH",
    meaning: "Slack users who may change team settings besides workspace admins and owners",
    defaultText: "unset: admins and owners only",
  },
  ACCESS_POLICY: {
    schema: text.optional(),
    expected: "the path of a .yml, .yaml or .json file",
    meaning: "access policy file: which Linear teams and Jira projects each Slack channel may run and show (see *Access*)",
    defaultText: "unset: every channel may run every story (warned at start)",
  },
  REQUIRE_LINKED_IDENTITY: {
    schema: flag(false),
    expected: "true or false",
    meaning: "a Slack user may run and see only stories they could open in the tracker, matched by their Slack email (needs scope `users:read.email`)",
    defaultText: "false",
  },
  TOKEN_BUDGET_DAILY: {
    schema: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(2_000_000_000)).optional(),
    expected: "a positive integer",
    meaning: "model tokens (input and output) all runs may use per UTC day; new stories wait for the next day when it is spent",
    defaultText: "unset: no limit",
  },
  USD_BUDGET_MONTHLY: {
    schema: z.string().regex(/^\d+(\.\d{1,2})?$/).transform(Number).pipe(z.number().positive()).optional(),
    expected: "an amount in US dollars such as 200 or 49.50",
    meaning: "estimated model cost all runs may reach per UTC month; new stories wait for the next month when it is reached",
    defaultText: "unset: no limit",
  },
  RUNS_PER_USER_HOURLY: {
    schema: integer(1, 10_000, 30),
    expected: "an integer from 1 to 10000",
    meaning: "runs one Slack user may start per UTC hour; the stories of further runs wait for the next hour",
    defaultText: "30",
  },
} as const satisfies VariableSpecs;

type UnionToIntersection<U> = (U extends unknown ? (part: U) => void : never) extends (whole: infer I) => void ? I : never;
type TrackerVariables = UnionToIntersection<TrackerRegistry[TrackerName]["variables"]>;

export const variables = Object.assign({}, coreVariables, ...trackerEntries.map((entry) => entry.variables)) as typeof coreVariables &
  TrackerVariables;

export type VariableName = keyof typeof variables;
export const variableNames = Object.keys(variables) as VariableName[];
export const secretVariableNames = variableNames.filter(
  (name) => (variables[name] as VariableSpec).secret === true,
);
