// `subtasks doctor` against every provider played by nock, with payloads shaped as each
// documents them: all good passes; one bad credential per provider fails exactly its line,
// with its fix, and the lines that need it are not run.
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { doctorCommand } from "../../../src/cli/operate-commands.ts";
import { parseConfig } from "../../../src/config/config.ts";
import { SLACK_BOT_SCOPES } from "../../../src/slack/scopes.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { JIRA_SITE, JiraAdminSite } from "../../support/jira-admin.ts";
import { LinearAdminWorkspace } from "../../support/linear-admin.ts";
import { silentLogger } from "../../support/logger.ts";
import { captureOutput } from "../../support/output.ts";

const GOOD = {
  SLACK_BOT_TOKEN: "xoxb-good-token",
  SLACK_SIGNING_SECRET: "signing-secret",
  SLACK_DEFAULT_CHANNEL: "C0123456789",
  LINEAR_API_KEY: "lin_api_good",
  LINEAR_WEBHOOK_SECRET: "linear-webhook-secret",
  JIRA_BASE_URL: JIRA_SITE,
  JIRA_EMAIL: "bot@acme.test",
  JIRA_API_TOKEN: "jira-good-token",
  JIRA_WEBHOOK_SECRET: "jira-webhook-secret",
  ANTHROPIC_API_KEY: "sk-ant-good",
  PUBLIC_URL: "https://bot.acme.test",
};
const MODEL = "claude-sonnet-5-5";

let db: TestDatabase;
let linear: LinearAdminWorkspace;
let jira: JiraAdminSite;

beforeAll(async () => {
  db = await migratedTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});
afterEach(() => {
  nock.cleanAll();
});

/** Slack's Web API: auth.test with the granted scopes in x-oauth-scopes (https://docs.slack.dev/reference/methods/auth.test). */
function playSlack() {
  const authorised = (headers: Headers) => headers.get("authorization") === `Bearer ${GOOD.SLACK_BOT_TOKEN}`;
  nock("https://slack.com")
    .persist()
    .post("/api/auth.test")
    .reply((async (request: Request) =>
      authorised(request.headers)
        ? [200, { ok: true, url: "https://acme.slack.com/", team: "Acme", user: "subtasks", team_id: "T0123ABCD", user_id: "U0BOT1234", bot_id: "B0BOT1234", is_enterprise_install: false }, { "x-oauth-scopes": SLACK_BOT_SCOPES.join(",") }]
        : [200, { ok: false, error: "invalid_auth" }]) as never)
    .post("/api/chat.scheduleMessage")
    .reply((async (request: Request) => {
      const body = new URLSearchParams(await request.clone().text());
      return [200, { ok: true, channel: body.get("channel"), scheduled_message_id: "Q1298393284", post_at: Number(body.get("post_at")), message: { text: body.get("text"), type: "delayed_message", subtype: "bot_message" } }];
    }) as never)
    .post("/api/chat.deleteScheduledMessage")
    .reply(200, { ok: true });
}

/** Anthropic: GET /v1/models/{id} and POST /v1/messages/count_tokens (https://docs.anthropic.com/en/api/models). */
function playAnthropic() {
  const refused = [401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" }, request_id: "req_011CQ9wZtXbLmN4pR7sVkE2d" }];
  const authorised = (headers: Headers) => headers.get("authorization") === `Bearer ${GOOD.ANTHROPIC_API_KEY}` || headers.get("x-api-key") === GOOD.ANTHROPIC_API_KEY;
  nock("https://api.anthropic.com")
    .persist()
    .get(`/v1/models/${MODEL}`)
    .reply((async (request: Request) => (authorised(request.headers) ? [200, { type: "model", id: MODEL, display_name: "Claude Sonnet 5.5", created_at: "2026-09-30T00:00:00Z" }] : refused)) as never)
    .post("/v1/messages/count_tokens")
    .reply((async (request: Request) => (authorised(request.headers) ? [200, { input_tokens: 8 }] : refused)) as never);
}

/** Everything set up as `subtasks setup` leaves it. */
function playProviders() {
  playSlack();
  playAnthropic();
  linear = new LinearAdminWorkspace(GOOD.LINEAR_API_KEY);
  for (const name of ["ai:subtasks", "subtasks:done", "subtasks:failed", "subtasks-bot"]) linear.labels.push({ id: `label-${name}`, name, teamId: null });
  linear.webhooks.push({ id: "wh-1", url: "https://bot.acme.test/webhooks/linear", enabled: true, resourceTypes: ["Issue"], allPublicTeams: true, secret: GOOD.LINEAR_WEBHOOK_SECRET, teamId: null });
  jira = new JiraAdminSite(GOOD.JIRA_EMAIL, GOOD.JIRA_API_TOKEN);
  jira.webhooks.push({ name: "subtasks-bot", url: "https://bot.acme.test/webhooks/jira", events: ["jira:issue_created", "jira:issue_updated"], filters: { "issue-related-events-section": 'labels = "ai:subtasks"' }, excludeBody: false, enabled: true, self: `${JIRA_SITE}/rest/webhooks/1.0/webhook/1` });
}

async function doctor(env: Record<string, string> = {}) {
  playProviders();
  const output = captureOutput();
  const code = await doctorCommand(parseConfig({ ...GOOD, DATABASE_URL: db.url, ...env }), silentLogger, output);
  const lines = output.stdout().split("\n");
  return { code, stdout: output.stdout(), failed: lines.filter((line) => line.startsWith("✗")), skipped: lines.filter((line) => line.startsWith("- ")) };
}

describe("subtasks doctor", () => {
  it("passes every line, and exits 0, when everything works", async () => {
    const result = await doctor();
    expect(result.failed).toEqual([]);
    expect(result.stdout.split("\n").filter((line) => line.startsWith("✓")).map((line) => line.split(":")[0] + ":" + line.split(":")[1])).toEqual([
      "✓ Database: migrations",
      "✓ Slack: auth.test",
      "✓ Slack: scopes",
      "✓ Slack: channel C0123456789",
      "✓ Linear: account",
      "✓ Linear: labels",
      "✓ Linear: webhook",
      "✓ Jira: account",
      "✓ Jira: sub-task types",
      "✓ Jira: webhook",
      "✓ Anthropic: model",
      "✓ Anthropic: key",
    ]);
    expect(result.stdout).toContain("all 12 checks passed");
    expect(result.code).toBe(0);
  });

  it.each([
    ["Slack", { SLACK_BOT_TOKEN: "xoxb-revoked" }, "✗ Slack: auth.test: Slack refused the token (invalid_auth)", "fix: check SLACK_BOT_TOKEN"],
    ["Linear", { LINEAR_API_KEY: "lin_api_revoked" }, "✗ Linear: account: Linear refused", "fix: check LINEAR_API_KEY"],
    ["Jira", { JIRA_API_TOKEN: "jira-revoked" }, "✗ Jira: account: Jira refused the bot's credentials (HTTP 401)", "fix: check JIRA_EMAIL and JIRA_API_TOKEN"],
    ["Anthropic", { ANTHROPIC_API_KEY: "sk-ant-revoked" }, "✗ Anthropic: model: Anthropic refused the key (HTTP 401)", "fix: check ANTHROPIC_API_KEY"],
  ])("a bad %s credential fails exactly its line, with its fix", async (provider, env, line, fix) => {
    const result = await doctor(env);
    expect(result.code).toBe(1);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toContain(line);
    const lines = result.stdout.split("\n");
    expect(lines[lines.indexOf(result.failed[0]!) + 1]).toContain(fix);
    expect(result.skipped.every((skipped) => skipped.startsWith(`- ${provider}: `))).toBe(true);
    expect(result.stdout).toContain("1 of 12 checks failed");
  });

  it("names what set-up lacks, each with its fix: a missing label, a webhook pointing elsewhere, a secret that does not match", async () => {
    playProviders();
    linear.labels.splice(0, 1);
    linear.webhooks[0]!.secret = "another-secret";
    jira.webhooks[0]!.url = "https://old-host.acme.test/webhooks/jira";
    const output = captureOutput();
    const code = await doctorCommand(parseConfig({ ...GOOD, DATABASE_URL: db.url }), silentLogger, output);
    expect(code).toBe(1);
    const text = output.stdout();
    expect(text).toContain("✗ Linear: labels: missing ai:subtasks\n    fix: run `subtasks setup linear`");
    expect(text).toContain("✗ Linear: webhook: LINEAR_WEBHOOK_SECRET is not the webhook's signing secret");
    expect(text).toContain("✗ Jira: webhook: no enabled webhook for issue created and updated points at https://bot.acme.test/webhooks/jira\n    fix: run `subtasks setup jira`");
  });
});
