// Secrets never leak: every credential the bot holds is set to a recognisable value, then the
// bot does everything it does — a /subtasks run on Linear, label-started runs from Linear's and
// Jira's webhooks, a story whose model call is refused with an error that echoes the API key,
// forged and stale signatures on every inbound route — on the real server, adapters, engine and
// logger as main.ts wires them. Every log line, every Slack message and every tracker write
// (sub-issues, comments) is captured, and no credential value, nor the database password, nor
// Jira's Basic credential appears in any of them.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { signBody } from "../../src/webhooks/signature.ts";
import { startApp, stopStarted } from "../support/app.ts";
import { JiraSite } from "../support/jira-site.ts";
import { LinearWorkspace } from "../support/linear-workspace.ts";
import { captureLogger } from "../support/logger.ts";
import { waitFor, waitForRun } from "../support/runs.ts";
import { sendJira, sendLinear, webhookFixture } from "../support/webhooks/deliveries.ts";
import { JIRA_BASE_URL } from "../unit/trackers/support/jira-api.ts";
import { playSlack, type PlayedSlack } from "./slack/support/slack-api.ts";
import { sendToSlackEndpoint, sign, slashCommandBody } from "./slack/support/slack-requests.ts";

const ANTHROPIC = "https://anthropic.test";
const JIRA_EMAIL = "bot@acme.test";
/** Each credential, recognisable wherever it turns up. */
const CREDENTIALS = {
  SLACK_BOT_TOKEN: "xoxb-LEAKCHECK-slack-bot-7f3a9c",
  SLACK_SIGNING_SECRET: "LEAKCHECK-slack-signing-4b2e8d1f",
  LINEAR_API_KEY: "lin_api_LEAKCHECK_linear_91c3",
  LINEAR_WEBHOOK_SECRET: "lin_wh_LEAKCHECK_linear_5d7e",
  ANTHROPIC_API_KEY: "sk-ant-api03-LEAKCHECK-anthropic-2a8f",
  JIRA_API_TOKEN: "ATATT3x-LEAKCHECK-jira-6b1c",
  JIRA_WEBHOOK_SECRET: "jira-wh-LEAKCHECK-3e9a",
} as const;
const DATABASE_PASSWORD = "LEAKCHECK-db-password-8c4d";
/** What a leak would look like: each value, the database password, and Jira's Basic credential as sent. */
const FORBIDDEN = [
  ...Object.values(CREDENTIALS),
  DATABASE_PASSWORD,
  Buffer.from(`${JIRA_EMAIL}:${CREDENTIALS.JIRA_API_TOKEN}`).toString("base64"),
];

let linear: LinearWorkspace | undefined;
let jira: JiraSite | undefined;
let slack: PlayedSlack | undefined;

afterEach(async () => {
  await stopStarted();
  linear?.stop();
  jira?.stop();
  slack?.stop();
  nock.cleanAll();
});

/** Claude's Messages API: a breakdown for every story, but a 401 echoing the key for ENG-2. */
function playClaudeRefusingEng2(): void {
  nock(ANTHROPIC)
    .persist()
    .post("/v1/messages")
    .reply((async (request: Request) => {
      const body = (await request.clone().json()) as { messages: { content: string }[] };
      const key = /Break the story (\S+) into subtasks/.exec(String(body.messages[0]?.content))?.[1] ?? "STORY";
      if (key === "ENG-2") {
        // Some APIs quote the credential they refused; the bot must not pass it on.
        const message = `invalid x-api-key: ${request.headers.get("x-api-key") ?? request.headers.get("authorization")}`;
        return [401, { type: "error", error: { type: "authentication_error", message } }, { "request-id": "req_refused" }];
      }
      const subtasks = [1, 2].map((n) => ({
        title: `Implement part ${n} of ${key}`,
        description: `Part ${n}.\n\n**How to verify:** the part ${n} test passes.`,
        effort: "S",
        acceptanceCriteria: [],
        dependsOn: n > 1 ? [1] : [],
      }));
      return [
        200,
        {
          id: `msg_${key}`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-5-5",
          content: [{ type: "text", text: JSON.stringify({ verdict: "breakdown", reason: "Two steps.", subtasks }) }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 400, output_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      ];
    }) as never);
}

function slackCommand(baseUrl: string, text: string, options: { secret?: string; timestamp?: number } = {}) {
  const body = slashCommandBody(text);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return sendToSlackEndpoint(baseUrl, body, { timestamp, signature: sign(body, timestamp, options.secret ?? CREDENTIALS.SLACK_SIGNING_SECRET) });
}

describe("secrets never leak", () => {
  it("no credential reaches a log line, a Slack message or a tracker write across runs on both trackers and their error paths", async () => {
    slack = playSlack();
    linear = new LinearWorkspace();
    jira = new JiraSite();
    playClaudeRefusingEng2();
    linear.addIssue("ENG-1", { title: "Export orders as CSV" });
    linear.addIssue("ENG-2", { title: "Refund a payment" });
    const labelled = webhookFixture("linear/issue-label-added.json");
    linear.addIssue(labelled.data.identifier, { id: labelled.data.id, title: labelled.data.title, labels: ["Feature", "ai:subtasks"] });
    const jiraStory = jira.addIssue({ summary: "Pay by invoice", description: "As a buyer I want to pay by invoice.", labels: ["ai:subtasks", "payments"] });

    const env = {
      ...CREDENTIALS,
      SLACK_API_URL: "https://slack.test/api/",
      ANTHROPIC_BASE_URL: ANTHROPIC,
      JIRA_BASE_URL,
      JIRA_EMAIL,
      DEFAULT_TRACKER: "linear",
      LOG_LEVEL: "trace",
    };
    // The logger as main.ts makes it: every secret the configuration names.
    const template = parseConfig({ ...env, DATABASE_URL: `postgresql://postgres:${DATABASE_PASSWORD}@127.0.0.1:5432/subtasks` });
    const log = captureLogger("trace", template.secrets);
    const app = await startApp({ env, logger: log.logger });
    // The test database has no password; the configuration the bot runs with says it has one.
    expect(app.config.secrets).not.toContain(DATABASE_PASSWORD);
    expect(template.secrets).toContain(DATABASE_PASSWORD);

    // A /subtasks run that completes, and one whose model call is refused.
    const done = await slackCommand(app.baseUrl, "ENG-1");
    const refused = await slackCommand(app.baseUrl, "ENG-2");
    expect([done.status, refused.status]).toEqual([200, 200]);
    // Label-started runs from both trackers.
    const fromLinear = await sendLinear(app.baseUrl, labelled, { secret: CREDENTIALS.LINEAR_WEBHOOK_SECRET });
    const jiraPayload = webhookFixture("jira/issue-updated-label-added.json");
    jiraPayload.issue.key = jiraStory.key;
    jiraPayload.issue.id = jiraStory.id;
    const fromJira = await sendJira(app.baseUrl, jiraPayload, { secret: CREDENTIALS.JIRA_WEBHOOK_SECRET });
    expect([fromLinear.body.status, fromJira.body.status]).toEqual(["started", "started"]);
    // Refused at the door: a forged or stale signature on every route.
    const forged = await sendLinear(app.baseUrl, labelled, { secret: "not-the-secret" });
    const forgedJira = await sendJira(app.baseUrl, jiraPayload, { secret: "not-the-secret", signature: `sha256=${signBody("x", CREDENTIALS.JIRA_WEBHOOK_SECRET)}` });
    const stale = await slackCommand(app.baseUrl, "ENG-1", { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    const wrongSecret = await slackCommand(app.baseUrl, "ENG-1", { secret: "not-the-secret" });
    expect([forged.status, forgedJira.status, stale.status, wrongSecret.status]).toEqual([401, 401, 401, 401]);

    const runs = await app.db.prisma.run.findMany();
    expect(runs).toHaveLength(4);
    const outcomes = await Promise.all(runs.map((run) => waitForRun(app.db, run.id, undefined, 30_000)));
    expect(outcomes.sort()).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "FAILED"]);
    await waitFor(async () => (await app.db.prisma.run.count({ where: { slackChannel: { not: null }, completedAt: null } })) === 0, 10_000, "the Slack runs to finish");
    await app.stop();

    // What left the bot: logs, Slack (Web API and response_url), and every tracker write.
    const logText = log.text();
    const slackText = JSON.stringify([slack.calls.map((call) => call.args), slack.responses, [done, refused].map((ack) => ack.text)]);
    const trackerText = JSON.stringify([
      [...linear.issues.values()].map((issue) => [issue.title, issue.description, issue.comments]),
      [...jira.issues.values()].map((issue) => [issue.summary, issue.description, issue.comments]),
    ]);
    // The capture is real: it holds the runs' traces and the refusal.
    expect(logText).toContain("authentication_error");
    expect(slack.callsOf("chat.postMessage").length).toBeGreaterThan(0);
    expect(linear.byKey("ENG-1").comments.length + jiraStory.comments.length).toBeGreaterThanOrEqual(2);
    for (const secret of FORBIDDEN) {
      expect(logText, "log lines").not.toContain(secret);
      expect(slackText, "Slack messages").not.toContain(secret);
      expect(trackerText, "tracker writes").not.toContain(secret);
    }
  }, 90_000);
});
