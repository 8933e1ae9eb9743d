import { describe, expect, it } from "vitest";
import { ConfigError, configuredTrackers, describeIntegrations, parseConfig } from "../../src/config/config.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("starts with every integration off and the documented defaults when nothing is set", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
      logLevel: "info",
      slack: null,
      trackers: { linear: null, jira: null },
      anthropic: { apiKey: undefined, baseUrl: "https://api.anthropic.com", model: "claude-sonnet-5-5" },
      triggerLabel: "ai:subtasks",
      defaultTracker: undefined,
      runConcurrency: 4,
    });
    expect(describeIntegrations(config)).toEqual({
      database: "embedded",
      slack: "off",
      linear: "off",
      jira: "off",
      access: "open",
      anthropic: "off",
    });
  });

  it("turns each integration on when its credentials are set", () => {
    const config = parseConfig({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test",
      SLACK_BOT_TOKEN: "xoxb-1-2-3",
      SLACK_SIGNING_SECRET: "signing",
      SLACK_API_URL: "http://127.0.0.1:9999/api/",
      LINEAR_API_KEY: "lin_api_abc",
      JIRA_BASE_URL: "https://acme.atlassian.net/",
      JIRA_EMAIL: "bot@acme.test",
      JIRA_API_TOKEN: "jira-token",
      JIRA_WEBHOOK_SECRET: "jira-hook",
      ANTHROPIC_API_KEY: "sk-ant-123456",
      DEFAULT_TRACKER: "jira",
      RUN_CONCURRENCY: "8",
    });
    expect(config.slack).toMatchObject({ botToken: "xoxb-1-2-3", apiUrl: "http://127.0.0.1:9999/api/" });
    expect(config.trackers.jira?.baseUrl).toBe("https://acme.atlassian.net");
    expect(configuredTrackers(config)).toEqual(["linear", "jira"]);
    expect(describeIntegrations(config)).toEqual({
      database: "external",
      slack: "on (http)",
      linear: "on (webhooks off)",
      jira: "on (webhooks on)",
      access: "open",
      anthropic: "on (claude-sonnet-5-5)",
    });
    expect(config.runConcurrency).toBe(8);
  });

  it("takes ANTHROPIC_EFFORT as the model's effort, names it in the start-up log, and leaves it unset by default", () => {
    expect(parseConfig({}).anthropic.effort).toBeUndefined();
    const config = parseConfig({ ANTHROPIC_API_KEY: "sk-ant-123456", ANTHROPIC_EFFORT: "medium" });
    expect(config.anthropic).toMatchObject({ model: "claude-sonnet-5-5", effort: "medium" });
    expect(describeIntegrations(config).anthropic).toBe("on (claude-sonnet-5-5, effort medium)");
  });

  it("shares MODEL_CONCURRENCY model calls across processes, RUN_CONCURRENCY of them unless set", () => {
    expect(parseConfig({ RUN_CONCURRENCY: "6" }).modelConcurrency).toBe(6);
    expect(parseConfig({ RUN_CONCURRENCY: "6", MODEL_CONCURRENCY: "20" }).modelConcurrency).toBe(20);
    // A process that only answers HTTP still makes a CLI's call when asked.
    expect(parseConfig({ RUN_CONCURRENCY: "0" }).modelConcurrency).toBe(1);
  });

  it("treats an empty value as unset", () => {
    expect(parseConfig({ PORT: "", LINEAR_API_KEY: "" })).toMatchObject({ port: 3000, trackers: { linear: null } });
  });

  it.each([
    [{ PORT: "abc" }, "PORT", "PORT must be an integer from 1 to 65535"],
    [{ PORT: "70000" }, "PORT", "PORT must be an integer from 1 to 65535"],
    [{ LINEAR_API_URL: "nope" }, "LINEAR_API_URL", "LINEAR_API_URL must be a URL"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL", "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent"],
    [{ RUN_CONCURRENCY: "65" }, "RUN_CONCURRENCY", "RUN_CONCURRENCY must be an integer from 0 to 64"],
    [{ MODEL_CONCURRENCY: "0" }, "MODEL_CONCURRENCY", "MODEL_CONCURRENCY must be an integer from 1 to 256"],
    [{ DEFAULT_TRACKER: "trello" }, "DEFAULT_TRACKER", "DEFAULT_TRACKER must be linear or jira"],
    [{ JIRA_EMAIL: "not-an-email" }, "JIRA_EMAIL", "JIRA_EMAIL must be an email address"],
    [{ ANTHROPIC_EFFORT: "max" }, "ANTHROPIC_EFFORT", "ANTHROPIC_EFFORT must be one of low, medium, high"],
  ])("rejects %o with one line naming the variable", (env, variable, message) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain("\n");
  });

  it("refuses half-configured integrations and names what is missing", () => {
    expect(configError({ SLACK_BOT_TOKEN: "xoxb-1" }).message).toBe(
      "SLACK_SIGNING_SECRET must be set too: Slack needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (SLACK_BOT_TOKEN set)",
    );
    expect(configError({ JIRA_BASE_URL: "https://a.atlassian.net", JIRA_EMAIL: "a@b.co" }).variable).toBe("JIRA_API_TOKEN");
    expect(configError({ LINEAR_WEBHOOK_SECRET: "whsec" }).message).toBe(
      "LINEAR_API_KEY must be set when LINEAR_WEBHOOK_SECRET is set",
    );
    expect(configError({ DEFAULT_TRACKER: "linear" }).message).toContain("set LINEAR_API_KEY");
  });

  it("never echoes a secret's value in an error", () => {
    const error = configError({ SLACK_BOT_TOKEN: "not-a-bot-token-s3cr3t", SLACK_SIGNING_SECRET: "x" });
    expect(error.message).toBe("SLACK_BOT_TOKEN must be a bot token starting with xoxb-");
    expect(error.message).not.toContain("s3cr3t");
  });

  it("collects the values of secret variables for log scrubbing", () => {
    const config = parseConfig({ LINEAR_API_KEY: "lin_api_secret", ANTHROPIC_API_KEY: "sk-ant-secret", PORT: "4000" });
    expect(config.secrets).toEqual(expect.arrayContaining(["lin_api_secret", "sk-ant-secret"]));
    expect(config.secrets).not.toContain("4000");
  });
});
