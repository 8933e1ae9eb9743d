import { trackerEntries, trackerRegistry, configuredTrackerNames, type TrackerConfigs } from "../trackers/registry.ts";
import type { ParseRefOptions } from "../trackers/parse-ref.ts";
import type { TrackerName } from "../trackers/types.ts";
import type { TrackerEntry } from "../trackers/entry.ts";
import type { VariableSpecs } from "./variable-spec.ts";
import type { ReasoningEffort } from "../generation/model-client.ts";
import type { SpendLimits } from "../runs/spend-guard.ts";
import { AccessPolicyInvalid, readAccessPolicy, type AccessPolicy } from "../access/policy.ts";
import { ConfigError, requireTogether, requireWith } from "./config-error.ts";
import { variableNames, variables, type VariableName } from "./variables.ts";

export { ConfigError } from "./config-error.ts";
export type { TrackerConfigs } from "../trackers/registry.ts";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly appToken: string | undefined;
  readonly apiUrl: string;
  readonly defaultChannel: string | undefined;
}

export interface AnthropicConfig {
  readonly apiKey: string | undefined;
  readonly baseUrl: string;
  readonly model: string;
  /** Sent with every request as output_config.effort; unset: the API's default. */
  readonly effort?: ReasoningEffort | undefined;
}

export interface AccessConfig {
  /** ACCESS_POLICY's file, parsed; null: every channel may run every story. */
  readonly policy: AccessPolicy | null;
  readonly requireLinkedIdentity: boolean;
}

export interface Config {
  /** Unset: the bot starts an embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** The bot's public base URL (no trailing slash): webhooks point at it, and the Linear agent's OAuth redirect. */
  readonly publicUrl: string | undefined;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** null: the integration is off because its credentials are unset. */
  readonly slack: SlackConfig | null;
  /** Each tracker's configuration, null where its credentials are unset. */
  readonly trackers: TrackerConfigs;
  readonly anthropic: AnthropicConfig;
  readonly triggerLabel: string;
  /** The labels a label-started run leaves on its stories. */
  readonly doneLabel: string;
  /** STORIES_LABEL: on an epic, starts a stories run. */
  readonly storiesLabel: string;
  readonly failedLabel: string;
  readonly defaultTracker: TrackerName | undefined;
  readonly runConcurrency: number;
  /** Model calls in flight across every process on the database (the shared budget's ceiling). */
  readonly modelConcurrency: number;
  /** Requests in flight to one tracker workspace across every process (its budget's ceiling). */
  readonly trackerConcurrency: number;
  readonly epicStoryLimit: number;
  /** Slack users who may change team settings besides workspace admins and owners. */
  readonly settingsEditors: readonly string[];
  /** 32 bytes (hex) that encrypt stored app tokens; set whenever the Linear agent is on. */
  readonly tokenEncryptionKey: string | undefined;
  /** Who may run and see which stories where (access/). */
  readonly access: AccessConfig;
  /** Limits on the model's spend and on runs per person (runs/spend-guard.ts). */
  readonly spend: SpendLimits;
  /** Values of every secret variable that is set, for log scrubbing. */
  readonly secrets: readonly string[];
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

/** Parses the environment once. Throws ConfigError naming the first bad variable. */
export function parseConfig(env: Env): Config {
  const v = parseVariables(env);
  const str = (name: VariableName) => v[name] as string;
  const opt = (name: VariableName) => v[name] as string | undefined;

  const slackOn = requireTogether(v, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], "Slack");
  requireWith(v, "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN");
  const trackers = Object.fromEntries(
    trackerEntries.map((entry) => [entry.name, entry.readConfig(v as never)]),
  ) as unknown as TrackerConfigs;

  const defaultTracker = opt("DEFAULT_TRACKER") as TrackerName | undefined;
  if (defaultTracker && trackers[defaultTracker] === null) {
    const entry = trackerRegistry[defaultTracker];
    throw new ConfigError("DEFAULT_TRACKER", `DEFAULT_TRACKER is ${defaultTracker} but ${entry.displayName} is off: ${entry.configureHint}`);
  }

  if (trackers.linear?.agent) {
    for (const name of ["PUBLIC_URL", "TOKEN_ENCRYPTION_KEY"] as const) {
      if (v[name] === undefined) throw new ConfigError(name, `${name} must be set when LINEAR_CLIENT_ID is set (the Linear agent)`);
    }
  }

  if (v.REQUIRE_LINKED_IDENTITY === true && !slackOn) {
    throw new ConfigError("REQUIRE_LINKED_IDENTITY", "REQUIRE_LINKED_IDENTITY needs Slack (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): the person's email comes from Slack");
  }
  const policyPath = opt("ACCESS_POLICY");
  let policy: AccessPolicy | null = null;
  if (policyPath) {
    try {
      policy = readAccessPolicy(policyPath);
    } catch (error) {
      if (error instanceof AccessPolicyInvalid) throw new ConfigError("ACCESS_POLICY", `ACCESS_POLICY: ${error.message}`);
      throw error;
    }
  }

  const secrets = [
    ...variableNames.filter((name) => "secret" in variables[name] && v[name] !== undefined).map((name) => String(v[name])),
    ...databasePassword(opt("DATABASE_URL")),
    ...trackerEntries.flatMap((entry) => {
      const trackerConfig = trackers[entry.name];
      return trackerConfig === null ? [] : ((entry as TrackerEntry<VariableSpecs, typeof trackerConfig>).derivedSecrets?.(trackerConfig) ?? []);
    }),
  ];

  return {
    databaseUrl: opt("DATABASE_URL"),
    publicUrl: opt("PUBLIC_URL"),
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
    trackers,
    anthropic: {
      apiKey: opt("ANTHROPIC_API_KEY"),
      baseUrl: str("ANTHROPIC_BASE_URL"),
      model: str("ANTHROPIC_MODEL"),
      effort: opt("ANTHROPIC_EFFORT") as ReasoningEffort | undefined,
    },
    triggerLabel: str("TRIGGER_LABEL"),
    doneLabel: str("DONE_LABEL"),
    storiesLabel: str("STORIES_LABEL"),
    failedLabel: str("FAILED_LABEL"),
    defaultTracker,
    runConcurrency: v.RUN_CONCURRENCY as number,
    modelConcurrency: (v.MODEL_CONCURRENCY as number | undefined) ?? Math.max(1, v.RUN_CONCURRENCY as number),
    trackerConcurrency: v.TRACKER_CONCURRENCY as number,
    epicStoryLimit: v.EPIC_STORY_LIMIT as number,
    settingsEditors: (v.SETTINGS_EDITORS as string[] | undefined) ?? [],
    tokenEncryptionKey: opt("TOKEN_ENCRYPTION_KEY"),
    access: { policy, requireLinkedIdentity: v.REQUIRE_LINKED_IDENTITY === true },
    spend: {
      tokensPerDay: (v.TOKEN_BUDGET_DAILY as number | undefined) ?? null,
      usdPerMonth: (v.USD_BUDGET_MONTHLY as number | undefined) ?? null,
      runsPerUserHour: v.RUNS_PER_USER_HOURLY as number,
    },
    secrets,
  };
}

/**
 * DATABASE_URL's password on its own, as written and decoded: a driver's error or a
 * connection string printed in another form carries it without the rest of the URL.
 */
function databasePassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const written = new URL(url).password;
    return written ? [...new Set([written, decodeURIComponent(written)])] : [];
  } catch {
    return [];
  }
}

/** What the start-up log says about each integration; never includes a secret. */
export function describeIntegrations(config: Config): Record<string, string> {
  return {
    database: config.databaseUrl ? "external" : "embedded",
    slack: config.slack ? (config.slack.appToken ? "on (socket mode)" : "on (http)") : "off",
    ...Object.fromEntries(
      trackerEntries.map((entry) => {
        const trackerConfig = config.trackers[entry.name];
        return [entry.name, trackerConfig === null ? "off" : entry.describe(trackerConfig)];
      }),
    ),
    access: config.access.policy
      ? `policy (${config.access.policy.channels.size} channel entries)${config.access.requireLinkedIdentity ? ", linked identity" : ""}`
      : config.access.requireLinkedIdentity
        ? "linked identity"
        : "open",
    anthropic: config.anthropic.apiKey
      ? `on (${config.anthropic.model}${config.anthropic.effort ? `, effort ${config.anthropic.effort}` : ""})`
      : "off",
  };
}

/** Trackers with credentials, in the registry's order. */
export function configuredTrackers(config: Config): TrackerName[] {
  return configuredTrackerNames(config.trackers);
}

/**
 * How references typed by a person are read: bare keys go to DEFAULT_TRACKER (or the only
 * tracker), links are recognised by each tracker's site. `configured` defaults to the
 * trackers with credentials.
 */
export function referenceOptions(config: Config, configured: readonly TrackerName[] = configuredTrackers(config)): ParseRefOptions {
  const siteUrls: Partial<Record<TrackerName, string | undefined>> = {};
  for (const entry of trackerEntries) {
    const trackerConfig = config.trackers[entry.name];
    if (trackerConfig !== null) siteUrls[entry.name] = entry.siteUrl(trackerConfig);
  }
  return { configured, defaultTracker: config.defaultTracker, siteUrls };
}
