// manifest.yml is what an operator pastes into Slack: it must declare what the code uses, and
// nothing more. The Web API methods are read from the Slack surface's source, so calling a new
// method without its scope (or dropping a call but keeping its scope) fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SLACK_EVENTS_PATH } from "../../../src/slack/bolt-app.ts";
import { USAGE } from "../../../src/slack/blocks/command-replies.ts";
import { SLASH_COMMAND } from "../../../src/slack/command-grammar.ts";
import { SLACK_BOT_SCOPES } from "../../../src/slack/scopes.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const manifest = parse(readFileSync(join(root, "manifest.yml"), "utf8")) as Record<string, any>;
const requestUrl = `https://YOUR-HOST${SLACK_EVENTS_PATH}`;

/** Bot scopes each Web API method needs (https://docs.slack.dev/reference/methods). */
const scopesOfMethod: Record<string, string[]> = {
  "chat.postMessage": ["chat:write", "chat:write.public"],
  "chat.update": ["chat:write"],
  "chat.scheduleMessage": ["chat:write"],
  "chat.deleteScheduledMessage": ["chat:write"],
  "chat.getPermalink": [],
  "users.info": ["users:read"],
  "views.publish": [],
  "views.open": [],
  "views.update": [],
  "auth.test": [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Fields of an answer that need a scope of their own (users.info's profile.email). */
const scopesOfField: { readonly read: RegExp; readonly scope: string }[] = [{ read: /\.profile\?\.email\b/, scope: "users:read.email" }];

/** Where the code talks to Slack's Web API: the Slack surface, and the access guard (a person's email). */
const slackCallers = () => [...sourceFiles(join(root, "src/slack")), ...sourceFiles(join(root, "src/access"))];

function fieldScopesRead(): string[] {
  return scopesOfField.filter((field) => slackCallers().some((file) => field.read.test(readFileSync(file, "utf8")))).map((field) => field.scope);
}

function methodsCalled(): string[] {
  const methods = new Set<string>();
  for (const file of slackCallers()) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/\.(auth|chat|conversations|users|views|reactions|files)\s*\.\s*(\w+)\s*\(/g)) methods.add(`${match[1]}.${match[2]}`);
  }
  return [...methods].sort();
}

describe("manifest.yml", () => {
  it("declares the slash command the code answers, with a usage hint, on the one request URL", () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: SLASH_COMMAND, url: requestUrl, should_escape: false, usage_hint: expect.any(String), description: expect.any(String) }),
    ]);
    const hint = manifest.features.slash_commands[0].usage_hint as string;
    for (const option of ["--count", "--dry-run", "--review", "status", "help"]) expect(hint).toContain(option);
    expect(USAGE).toContain("--dry-run");
  });

  it("sends interactivity and events to POST /slack/events, subscribed to app_home_opened only", () => {
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: requestUrl });
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: requestUrl, bot_events: ["app_home_opened"] });
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.bot_user.display_name).toBe("subtasks");
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("asks for exactly the bot scopes the code's Web API calls need, plus commands", () => {
    const methods = methodsCalled();
    expect(methods).toEqual(["auth.test", "chat.deleteScheduledMessage", "chat.getPermalink", "chat.postMessage", "chat.scheduleMessage", "chat.update", "users.info", "views.open", "views.publish", "views.update"]);
    for (const method of methods) expect(scopesOfMethod, `scopes of ${method}`).toHaveProperty([method]);
    const needed = new Set(["commands", ...methods.flatMap((method) => scopesOfMethod[method]!), ...fieldScopesRead()]);
    expect(fieldScopesRead()).toEqual(["users:read.email"]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
    // What `subtasks doctor` compares the token's granted scopes with.
    expect([...SLACK_BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it("fits Slack's manifest limits", () => {
    expect(manifest._metadata).toEqual({ major_version: 1, minor_version: 1 });
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.slash_commands[0].description.length).toBeLessThanOrEqual(100);
    expect(manifest.features.slash_commands[0].usage_hint.length).toBeLessThanOrEqual(1000);
  });
});
