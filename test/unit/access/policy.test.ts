import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { channelAllows, parseAccessPolicy, readAccessPolicy } from "../../../src/access/policy.ts";
import { ConfigError, parseConfig } from "../../../src/config/config.ts";

const YAML = `
channels:
  C0PAYMENTS:
    jira: [PROJ]
    linear: [pay]
  C0EVERYTHING:
    linear: "*"
  "*":
    jira: [PUB]
`;

function policyFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "policy-")), name);
  writeFileSync(path, text);
  return path;
}

describe("the access policy file", () => {
  it("maps channels to the teams and projects they may show, with * for every channel or every team", () => {
    const policy = parseAccessPolicy(YAML);
    expect(channelAllows(policy, "C0PAYMENTS", "jira", "PROJ")).toBe(true);
    // Keys are compared upper-cased, as trackers show them.
    expect(channelAllows(policy, "C0PAYMENTS", "linear", "PAY")).toBe(true);
    expect(channelAllows(policy, "C0PAYMENTS", "linear", "ENG")).toBe(false);
    expect(channelAllows(policy, "C0EVERYTHING", "linear", "SECRET")).toBe(true);
    expect(channelAllows(policy, "C0EVERYTHING", "jira", "PROJ")).toBe(false);
    // "*" adds to every channel, listed or not.
    expect(channelAllows(policy, "C0PAYMENTS", "jira", "PUB")).toBe(true);
    expect(channelAllows(policy, "C0RANDOM", "jira", "PUB")).toBe(true);
    expect(channelAllows(policy, "C0RANDOM", "jira", "PROJ")).toBe(false);
  });

  it("reads JSON as well as YAML", () => {
    const policy = readAccessPolicy(policyFile("policy.json", JSON.stringify({ channels: { C0ONE: { linear: ["ENG"] } } })));
    expect(channelAllows(policy, "C0ONE", "linear", "ENG")).toBe(true);
    expect(channelAllows(policy, "C0TWO", "linear", "ENG")).toBe(false);
  });

  it.each([
    ["a tracker it does not know", "channels:\n  C0ONE:\n    trello: [X]\n", /channels\.C0ONE: Unrecognized key: "trello"/],
    ["a channel name instead of an id", "channels:\n  \"#payments\":\n    jira: [PROJ]\n", /channels\.#payments: .*channel id such as C0123ABCD/],
    ["a key that is not one", "channels:\n  C0ONE:\n    jira: [\"PROJ-1\"]\n", /channels\.C0ONE\.jira\.0: a team or project key/],
    ["no channels", "teams: []\n", /Unrecognized key: "teams"|channels: /],
    ["broken YAML", "channels: [\n", /not YAML or JSON/],
  ])("stops the bot with one line naming ACCESS_POLICY for %s", (_, text, message) => {
    const path = policyFile("policy.yml", text);
    let error: unknown;
    try {
      parseConfig({ ACCESS_POLICY: path });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe("ACCESS_POLICY");
    expect((error as Error).message).toMatch(/^ACCESS_POLICY: .*policy\.yml: /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("refuses a missing file and a file that is neither YAML nor JSON by its name", () => {
    expect(() => parseConfig({ ACCESS_POLICY: "/nonexistent/policy.yml" })).toThrow(/ACCESS_POLICY: \/nonexistent\/policy\.yml cannot be read \(ENOENT\)/);
    expect(() => parseConfig({ ACCESS_POLICY: policyFile("policy.txt", YAML) })).toThrow(/must end in \.yml, \.yaml or \.json/);
  });

  it("REQUIRE_LINKED_IDENTITY needs Slack, where the email comes from", () => {
    expect(() => parseConfig({ REQUIRE_LINKED_IDENTITY: "true" })).toThrow(/REQUIRE_LINKED_IDENTITY needs Slack/);
    expect(() => parseConfig({ REQUIRE_LINKED_IDENTITY: "yes" })).toThrow(/REQUIRE_LINKED_IDENTITY must be true or false/);
    const config = parseConfig({ REQUIRE_LINKED_IDENTITY: "TRUE", SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
    expect(config.access).toEqual({ policy: null, requireLinkedIdentity: true });
  });
});
