// Stories runs against the played trackers, without Slack: the label path on Jira (a Story
// screen with an "Acceptance Criteria" field), and a kill -9 during the stories' write-back on
// Linear, resumed by another process without a duplicate story.
import { writeFile } from "node:fs/promises";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { createLinearTracker } from "../../src/trackers/linear/adapter.ts";
import { startApp, stopStarted, type TestApp } from "../support/app.ts";
import { playClaude, storiesOf } from "../support/claude.ts";
import { JiraSite } from "../support/jira-site.ts";
import { LinearWorkspace } from "../support/linear-workspace.ts";
import { silentLogger } from "../support/logger.ts";
import { waitFor, waitForRun } from "../support/runs.ts";
import { sendJira, webhookFixture } from "../support/webhooks/deliveries.ts";
import { JIRA_BASE_URL } from "../unit/trackers/support/jira-api.ts";

const ANTHROPIC = "https://anthropic.test";
const claudeEnv = { ANTHROPIC_API_KEY: "sk-ant-api03-stories-e2e-0000", ANTHROPIC_BASE_URL: ANTHROPIC };
const JIRA_SECRET = "jira-webhook-secret-for-stories";
/** Long enough that the killed process's requests never time out and retry while the test runs. */
const NEVER_MS = 10 * 60_000;

let linear: LinearWorkspace | undefined;
let jira: JiraSite | undefined;

afterEach(async () => {
  await stopStarted();
  for (const world of [linear, jira]) world?.stop();
  [linear, jira] = [undefined, undefined];
  nock.cleanAll();
});

async function keepEvidence(name: string, value: unknown): Promise<void> {
  if (process.env.EVIDENCE_DIR) await writeFile(`${process.env.EVIDENCE_DIR}/${name}`, JSON.stringify(value, null, 2));
}

describe("stories runs on the trackers", () => {
  it("Jira: the stories label on an epic creates Stories under it, criteria in the Acceptance Criteria field, points in Story Points, and swaps the label", async () => {
    jira = new JiraSite({ storyFields: true });
    const epic = jira.addIssue({
      summary: "One-page checkout",
      type: "Epic",
      description: "Shoppers abandon carts on our four-step checkout. Make it one page: address, shipping, payment.",
      labels: ["ai:stories"],
    });
    jira.addIssue({ summary: "As a shopper I want my saved address filled in", parentKey: epic.key });
    const claude = playClaude(ANTHROPIC);
    const app = await startApp({
      env: { ...claudeEnv, JIRA_BASE_URL, JIRA_EMAIL: "bot@acme.example", JIRA_API_TOKEN: "jira-token-stories", JIRA_WEBHOOK_SECRET: JIRA_SECRET },
    });

    const payload = webhookFixture("jira/epic-updated-label-added.json");
    payload.issue.key = epic.key;
    payload.issue.id = epic.id;
    payload.issue.fields.labels = ["ai:stories"];
    payload.changelog.items[0].toString = "ai:stories";
    const sent = await sendJira(app.baseUrl, payload, { secret: JIRA_SECRET });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: "started" });
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(run).toMatchObject({ type: "GENERATE_STORIES", trigger: "TRACKER_LABEL" });
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");

    expect(claude.requests[0]!.messages[0]!.content).toContain("- As a shopper I want my saved address filled in (PROJ-2, made by a person");
    const made = jira.childrenOf(epic.key).filter((issue) => issue.key !== "PROJ-2");
    const answer = storiesOf(epic.key, 3).stories;
    expect(made.map((issue) => [issue.type, issue.summary])).toEqual(answer.map((story) => ["Story", story.title]));
    expect(made[0]!.custom["customfield_10050"]).toBeDefined();
    expect(JSON.stringify(made[0]!.custom["customfield_10050"])).toContain(answer[0]!.acceptanceCriteria[0]!);
    expect(made.map((issue) => issue.custom["customfield_10016"])).toEqual([1, 2, 3]);
    expect(made[0]!.labels).toContain("subtasks-bot-story");
    // The epic shows the outcome: the stories label is gone, the done label is on.
    expect(jira.byKey(epic.key).labels).toEqual(["subtasks:done"]);
    expect(jira.byKey(epic.key).comments).toHaveLength(1);
    const creates = jira.api.requests.filter((request) => request.method === "POST" && /^\/rest\/api\/3\/issue(\/bulk)?$/.test(request.path));
    expect(creates).toHaveLength(1);
    await keepEvidence("jira-create-stories.json", { method: creates[0]!.method, path: creates[0]!.path, body: creates[0]!.body });
    const stories = await app.db.prisma.story.findMany({ where: { generationRunId: run.id }, orderBy: { code: "asc" } });
    expect(stories.map((story) => story.code)).toEqual(["S1", "S2", "S3"]);
    expect(jira.api.unexpected).toEqual([]);
  }, 60_000);

  it("Linear: a process killed right after the stories were created is resumed by another without a second story", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-100", { title: "One-page checkout", description: "Make checkout one page.", labels: ["Epic"] });
    const claude = playClaude(ANTHROPIC);
    const env = (apiKey: string) => ({ ...claudeEnv, LINEAR_API_KEY: apiKey });
    const tracker = (apiKey: string, requestTimeoutMs?: number) =>
      createLinearTracker({ config: parseConfig(env(apiKey)).trackers.linear!, logger: silentLogger, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
    linear.dieAfter("CreateIssues", "lin_api_first");
    const first = await startApp({ env: env("lin_api_first"), trackers: { linear: tracker("lin_api_first", NEVER_MS) } });
    const started = await first.runs.startRun({
      type: "GENERATE_STORIES",
      trigger: "CLI",
      refs: [{ tracker: "linear", key: "ENG-100", kind: "issue", input: "ENG-100" }],
      requestedBy: "tester",
    });
    const runId = (started as { runId: string }).runId;
    await waitFor(async () => linear!.died, 20_000, "the first process to die");
    await first.core.stop({ graceful: false });
    expect(linear.childrenOf("ENG-100")).toHaveLength(3);
    expect(await first.db.prisma.story.count({ where: { generationRunId: runId } })).toBe(0);

    const second: TestApp = await startApp({ env: env("lin_api_second"), db: first.db, trackers: { linear: tracker("lin_api_second") } });
    expect(await waitForRun(second.db, runId, undefined, 60_000)).toBe("COMPLETED");
    // The second process asked for the same stories under the same ids and found them made.
    expect(linear.childrenOf("ENG-100").map((issue) => issue.title)).toEqual(storiesOf("ENG-100", 3).stories.map((story) => story.title));
    expect(await second.db.prisma.story.count({ where: { generationRunId: runId } })).toBe(3);
    expect(linear.byKey("ENG-100").comments).toHaveLength(1);
    // The proposal was kept: Claude was asked once.
    expect(claude.requests).toHaveLength(1);
    expect(linear.unanswered).toEqual([]);
  }, 90_000);
});
