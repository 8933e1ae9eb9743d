// The Linear agent's settings: on with the OAuth app's credentials, PUBLIC_URL and
// TOKEN_ENCRYPTION_KEY; half a configuration stops the bot with one line naming the variable.
import { describe, expect, it } from "vitest";
import { ConfigError, describeIntegrations, parseConfig } from "../../../src/config/config.ts";

const agent = {
  LINEAR_API_KEY: "lin_api_abc",
  LINEAR_CLIENT_ID: "client",
  LINEAR_CLIENT_SECRET: "client-secret",
  PUBLIC_URL: "https://subtasks.example.com/",
  TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
};

function failure(env: Record<string, string>): { variable: string; message: string } {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { variable: error.variable, message: error.message };
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the Linear agent's configuration", () => {
  it("is on with the OAuth app, a public URL and a key; Linear's URLs by default", () => {
    const config = parseConfig(agent);
    expect(config.trackers.linear!.agent).toEqual({
      clientId: "client",
      clientSecret: "client-secret",
      oauthUrl: "https://linear.app/oauth/authorize",
      tokenUrl: "https://api.linear.app/oauth/token",
    });
    expect(config.publicUrl).toBe("https://subtasks.example.com");
    expect(describeIntegrations(config).linear).toBe("on (webhooks off, agent on)");
    expect(config.secrets).toEqual(expect.arrayContaining(["client-secret", "ab".repeat(32)]));
  });

  it("is off without LINEAR_CLIENT_ID, and the app's webhook secret alone turns webhooks on", () => {
    expect(parseConfig({ LINEAR_API_KEY: "k" }).trackers.linear!.agent).toBeNull();
    expect(describeIntegrations(parseConfig({ ...agent, LINEAR_APP_WEBHOOK_SECRET: "s" })).linear).toBe("on (webhooks on, agent on)");
  });

  it.each([
    [{ ...agent, LINEAR_CLIENT_SECRET: "" }, "LINEAR_CLIENT_SECRET"],
    [{ ...agent, PUBLIC_URL: "" }, "PUBLIC_URL"],
    [{ ...agent, TOKEN_ENCRYPTION_KEY: "" }, "TOKEN_ENCRYPTION_KEY"],
    [{ ...agent, TOKEN_ENCRYPTION_KEY: "too-short" }, "TOKEN_ENCRYPTION_KEY"],
    [{ ...agent, LINEAR_API_KEY: "" }, "LINEAR_API_KEY"],
    [{ LINEAR_API_KEY: "k", LINEAR_APP_WEBHOOK_SECRET: "s" }, "LINEAR_CLIENT_ID"],
  ])("names the variable to fix: %o → %s", (env, variable) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain("ab".repeat(32));
  });
});
