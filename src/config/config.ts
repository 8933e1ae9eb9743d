import { variableNames, variables, type VariableName } from "./variables.ts";

export type TrackerName = "linear" | "jira";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly appToken: string | undefined;
  readonly apiUrl: string;
  readonly defaultChannel: string | undefined;
}

export interface LinearConfig {
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly webhookSecret: string | undefined;
}

export interface JiraConfig {
  readonly baseUrl: string;
  readonly email: string;
  readonly apiToken: string;
  readonly webhookSecret: string | undefined;
}

export interface AnthropicConfig {
  readonly apiKey: string | undefined;
  readonly baseUrl: string;
  readonly model: string;
}

export interface Config {
  /** Unset: the bot starts an embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** null: the integration is off because its credentials are unset. */
  readonly slack: SlackConfig | null;
  readonly linear: LinearConfig | null;
  readonly jira: JiraConfig | null;
  readonly anthropic: AnthropicConfig;
  readonly triggerLabel: string;
  /** The labels a label-started run leaves on its stories. */
  readonly doneLabel: string;
  readonly failedLabel: string;
  readonly defaultTracker: TrackerName | undefined;
  readonly runConcurrency: number;
  readonly epicStoryLimit: number;
  /** Values of every secret variable that is set, for log scrubbing. */
  readonly secrets: readonly string[];
}

/** A bad or missing setting. The message is one line that names the variable. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(message);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Parsed = { [K in VariableName]: unknown };

function parseVariables(env: Env): Parsed {
  const parsed = {} as Parsed;
  for (const name of variableNames) {
    const spec = variables[name];
    const raw = env[name]?.trim();
    // An empty value (FOO= in a .env file) means unset, so defaults apply.
    const result = spec.schema.safeParse(raw === "" ? undefined : raw);
    if (!result.success) {
      throw new ConfigError(name, `${name} must be ${spec.expected}`);
    }
    parsed[name] = result.data;
  }
  return parsed;
}

function requireTogether(values: Parsed, names: VariableName[], what: string): boolean {
  const set = names.filter((name) => values[name] !== undefined);
  if (set.length === 0) return false;
  const missing = names.find((name) => values[name] === undefined);
  if (missing) {
    throw new ConfigError(missing, `${missing} must be set too: ${what} needs ${names.join(", ")} (${set.join(", ")} set)`);
  }
  return true;
}

function requireWith(values: Parsed, dependent: VariableName, needs: VariableName): void {
  if (values[dependent] !== undefined && values[needs] === undefined) {
    throw new ConfigError(needs, `${needs} must be set when ${dependent} is set`);
  }
}

/** Parses the environment once. Throws ConfigError naming the first bad variable. */
export function parseConfig(env: Env): Config {
  const v = parseVariables(env);
  const str = (name: VariableName) => v[name] as string;
  const opt = (name: VariableName) => v[name] as string | undefined;

  const slackOn = requireTogether(v, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], "Slack");
  requireWith(v, "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN");
  const jiraOn = requireTogether(v, ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"], "Jira");
  requireWith(v, "JIRA_WEBHOOK_SECRET", "JIRA_BASE_URL");
  requireWith(v, "LINEAR_WEBHOOK_SECRET", "LINEAR_API_KEY");
  const linearOn = v.LINEAR_API_KEY !== undefined;

  const defaultTracker = opt("DEFAULT_TRACKER") as TrackerName | undefined;
  if (defaultTracker === "linear" && !linearOn) {
    throw new ConfigError("DEFAULT_TRACKER", "DEFAULT_TRACKER is linear but Linear is off: set LINEAR_API_KEY");
  }
  if (defaultTracker === "jira" && !jiraOn) {
    throw new ConfigError(
      "DEFAULT_TRACKER",
      "DEFAULT_TRACKER is jira but Jira is off: set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN",
    );
  }

  const secrets = variableNames
    .filter((name) => "secret" in variables[name] && v[name] !== undefined)
    .map((name) => String(v[name]));

  return {
    databaseUrl: opt("DATABASE_URL"),
    port: v.PORT as number,
    logLevel: v.LOG_LEVEL as LogLevel,
    slack: slackOn
      ? {
          botToken: str("SLACK_BOT_TOKEN"),
          signingSecret: str("SLACK_SIGNING_SECRET"),
          appToken: opt("SLACK_APP_TOKEN"),
          apiUrl: str("SLACK_API_URL"),
          defaultChannel: opt("SLACK_DEFAULT_CHANNEL"),
        }
      : null,
    linear: linearOn
      ? { apiKey: str("LINEAR_API_KEY"), apiUrl: str("LINEAR_API_URL"), webhookSecret: opt("LINEAR_WEBHOOK_SECRET") }
      : null,
    jira: jiraOn
      ? {
          baseUrl: str("JIRA_BASE_URL").replace(/\/+$/, ""),
          email: str("JIRA_EMAIL"),
          apiToken: str("JIRA_API_TOKEN"),
          webhookSecret: opt("JIRA_WEBHOOK_SECRET"),
        }
      : null,
    anthropic: { apiKey: opt("ANTHROPIC_API_KEY"), baseUrl: str("ANTHROPIC_BASE_URL"), model: str("ANTHROPIC_MODEL") },
    triggerLabel: str("TRIGGER_LABEL"),
    doneLabel: str("DONE_LABEL"),
    failedLabel: str("FAILED_LABEL"),
    defaultTracker,
    runConcurrency: v.RUN_CONCURRENCY as number,
    epicStoryLimit: v.EPIC_STORY_LIMIT as number,
    secrets,
  };
}

/** What the start-up log says about each integration; never includes a secret. */
export function describeIntegrations(config: Config): Record<string, string> {
  return {
    database: config.databaseUrl ? "external" : "embedded",
    slack: config.slack ? (config.slack.appToken ? "on (socket mode)" : "on (http)") : "off",
    linear: config.linear ? (config.linear.webhookSecret ? "on (webhooks on)" : "on (webhooks off)") : "off",
    jira: config.jira ? (config.jira.webhookSecret ? "on (webhooks on)" : "on (webhooks off)") : "off",
    anthropic: config.anthropic.apiKey ? `on (${config.anthropic.model})` : "off",
  };
}

/** Trackers with credentials, in a stable order. */
export function configuredTrackers(config: Config): TrackerName[] {
  const trackers: TrackerName[] = [];
  if (config.linear) trackers.push("linear");
  if (config.jira) trackers.push("jira");
  return trackers;
}
