// A label added in Jira, end to end: the signed delivery reaches the real app, the run goes
// through the real Jira adapter (nock plays the Jira Cloud REST API) and the real generation
// engine (nock plays Claude's Messages API), and the story ends with its sub-tasks, the
// comment, and the trigger label replaced by the done label.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitForRun } from "../../support/runs.ts";
import { answerClaudeOnce, type AnswerSubtask } from "../../support/webhooks/claude.ts";
import { sendJira, webhookFixture } from "../../support/webhooks/deliveries.ts";
import { fixture } from "../../unit/trackers/support/fixtures.ts";
import { JIRA_BASE_URL, json, playJira, type JiraApi } from "../../unit/trackers/support/jira-api.ts";

const SECRET = "jira-wh-9c1e5a7b3d2f4e6a8b0c1d2e3f4a5b6c";
const ANTHROPIC = "https://anthropic.test";
const env = {
  JIRA_BASE_URL,
  JIRA_EMAIL: "bot@acme.example",
  JIRA_API_TOKEN: "jira-token-123",
  JIRA_WEBHOOK_SECRET: SECRET,
  ANTHROPIC_API_KEY: "sk-ant-api03-test-key-0000",
  ANTHROPIC_BASE_URL: ANTHROPIC,
};
const ISSUE = "/rest/api/3/issue/PROJ-42";

let app: TestApp | undefined;
let jira: JiraApi | undefined;

afterEach(async () => {
  await stopStarted();
  jira?.stop();
  nock.cleanAll();
  app = undefined;
  jira = undefined;
});

// PROJ-42 has two acceptance criteria: a refund cannot exceed the payment (AC1), the customer
// gets an email (AC2).
const SUBTASKS: AnswerSubtask[] = [
  { title: "Add the refund endpoint", description: "Add `POST /payments/{id}/refunds` that refunds up to the captured amount.\n\n**How to verify:** API tests refund in full, in part, and get 422 above the payment.", effort: "M", acceptanceCriteria: [1], dependsOn: [] },
  { title: "Store refund events", description: "Record each refund with amount, agent and reason in `refund_events`.\n\n**How to verify:** a refund leaves one row with the agent's id.", effort: "S", acceptanceCriteria: [1], dependsOn: [1] },
  { title: "Email the customer about the refund", description: "Send the refund confirmation email with the amount and the expected date.\n\n**How to verify:** the email preview shows the amount; a test refund sends one email.", effort: "S", acceptanceCriteria: [2], dependsOn: [1] },
];

function playStory(api: JiraApi): void {
  const brief = fixture("jira/issue-PROJ-42-brief.json");
  const story = fixture("jira/issue-PROJ-42.json");
  story.fields.subtasks = [];
  story.fields.labels = ["ai:subtasks", "payments"];
  api.route("GET", ISSUE, json(brief), json(story));
  api.route("GET", "/rest/api/3/issue/createmeta/PROJ/issuetypes", json(fixture("jira/createmeta-PROJ-issuetypes.json")));
  api.route("GET", "/rest/api/3/issue/createmeta/PROJ/issuetypes/10003", json(fixture("jira/createmeta-PROJ-10003-fields.json")));
  api.route("POST", "/rest/api/3/issue/bulk", (request) => {
    const updates = (request.body as { issueUpdates: unknown[] }).issueUpdates;
    const issues = updates.map((_update, index) => ({
      id: String(10201 + index),
      key: `PROJ-${201 + index}`,
      self: `${JIRA_BASE_URL}/rest/api/3/issue/${10201 + index}`,
      transition: { status: 200, errorCollection: { errorMessages: [], errors: {} } },
    }));
    return json({ issues, errors: [] }, 201);
  });
  // ST2 and ST3 wait for ST1: the Blocks type, each blocked sub-task's links, then one link each.
  api.route("GET", "/rest/api/3/issueLinkType", json(fixture("jira/issue-link-types.json")));
  for (const key of ["PROJ-202", "PROJ-203"]) {
    api.route("GET", `/rest/api/3/issue/${key}`, json({ id: String(10000 + Number(key.slice(5))), key, fields: { issuelinks: [] } }));
  }
  api.route("POST", "/rest/api/3/issueLink", { status: 201 }, { status: 201 });
  api.route("POST", `${ISSUE}/comment`, json(fixture("jira/comment-created.json"), 201));
  // Label edits answer 204 No Content.
  api.route("PUT", ISSUE, { status: 204 }, { status: 204 });
}

describe("a Jira label, end to end", () => {
  it("adding ai:subtasks to PROJ-42 gives it three sub-tasks, a comment listing them, and subtasks:done in place of the trigger", async () => {
    jira = playJira();
    playStory(jira);
    const claude = answerClaudeOnce(ANTHROPIC, SUBTASKS);
    app = await startApp({ env });

    const response = await sendJira(app.baseUrl, webhookFixture("jira/issue-updated-label-added.json"), { secret: SECRET });
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    const runId = response.body.runId as string;
    expect(await waitForRun(app.db, runId)).toBe("COMPLETED");

    expect(jira.unexpected).toEqual([]);
    expect(jira.pending()).toEqual([]);
    expect(claude.requests).toHaveLength(1);
    expect(JSON.stringify(claude.requests[0]!.messages)).toContain("Refund a payment");
    const links = jira.calls().filter((call) => /issueLink|PROJ-20[23]/.test(call));
    expect(jira.calls().filter((call) => !links.includes(call))).toEqual([
      `GET ${ISSUE}`,
      `GET ${ISSUE}`,
      "GET /rest/api/3/issue/createmeta/PROJ/issuetypes",
      "GET /rest/api/3/issue/createmeta/PROJ/issuetypes/10003",
      "POST /rest/api/3/issue/bulk",
      `POST ${ISSUE}/comment`,
      `PUT ${ISSUE}`,
      `PUT ${ISSUE}`,
    ]);

    // After the bulk create and before the comment: the dependencies, as "Blocks" links with the
    // blocker as inwardIssue (the blocked sub-tasks are read side by side, in no fixed order).
    expect(links.sort()).toEqual(
      ["GET /rest/api/3/issueLinkType", "GET /rest/api/3/issue/PROJ-202", "GET /rest/api/3/issue/PROJ-203", "POST /rest/api/3/issueLink", "POST /rest/api/3/issueLink"].sort(),
    );
    const linkCalls = jira.calls().map((call, index) => (links.includes(call) ? index : -1)).filter((index) => index >= 0);
    expect(Math.min(...linkCalls)).toBeGreaterThan(jira.calls().indexOf("POST /rest/api/3/issue/bulk"));
    expect(Math.max(...linkCalls)).toBeLessThan(jira.calls().indexOf(`POST ${ISSUE}/comment`));
    const linkBodies = jira.requests.filter((request) => request.path === "/rest/api/3/issueLink").map((request) => request.body);
    expect(linkBodies).toEqual(
      expect.arrayContaining([
        { inwardIssue: { key: "PROJ-201" }, outwardIssue: { key: "PROJ-202" }, type: { id: "10000" } },
        { inwardIssue: { key: "PROJ-201" }, outwardIssue: { key: "PROJ-203" }, type: { id: "10000" } },
      ]),
    );
    const bulk = jira.requests.find((request) => request.path === "/rest/api/3/issue/bulk")!.body as { issueUpdates: { fields: any }[] };
    expect(bulk.issueUpdates.map((update) => update.fields.summary)).toEqual(SUBTASKS.map((subtask) => subtask.title));
    for (const update of bulk.issueUpdates) {
      expect(update.fields).toMatchObject({ project: { key: "PROJ" }, parent: { key: "PROJ-42" }, issuetype: { id: "10003" }, labels: ["subtasks-bot"] });
    }
    const comment = jira.requests.find((request) => request.path === `${ISSUE}/comment`)!.body;
    const commentText = JSON.stringify(comment);
    expect(commentText).toContain("created 3 subtasks");
    expect(commentText).toContain(runId);
    for (const key of ["PROJ-201", "PROJ-202", "PROJ-203"]) expect(commentText).toContain(key);
    const labelEdits = jira.requests.filter((request) => request.method === "PUT").map((request) => request.body);
    expect(labelEdits).toEqual([{ update: { labels: [{ remove: "ai:subtasks" }] } }, { update: { labels: [{ add: "subtasks:done" }] } }]);

    const run = await app.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ trigger: "TRACKER_LABEL", storiesDone: 1, subtasksCreated: 3, requestedBy: "5b10ac8d82e05b22cc7d4ef5" });
  });

  it('with TRIGGER_LABEL="ai subtasks", the label Jira holds as ai-subtasks starts the run, and the done label is swapped in the same form', async () => {
    jira = playJira();
    playStory(jira);
    const claude = answerClaudeOnce(ANTHROPIC, SUBTASKS);
    app = await startApp({ env: { ...env, TRIGGER_LABEL: "ai subtasks", DONE_LABEL: "subtasks done" } });

    // Jira cannot hold a space in a label: people (and the bot) write it with a dash.
    const delivery = webhookFixture("jira/issue-updated-label-added.json");
    delivery.issue.fields.labels = ["ai-subtasks", "payments"];
    const item = delivery.changelog.items.find((candidate: { field: string }) => candidate.field === "labels");
    item.toString = "ai-subtasks payments";
    const response = await sendJira(app.baseUrl, delivery, { secret: SECRET });
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    expect(await waitForRun(app.db, response.body.runId as string)).toBe("COMPLETED");
    expect(claude.requests).toHaveLength(1);

    const labelEdits = jira.requests.filter((request) => request.method === "PUT").map((request) => request.body);
    expect(labelEdits).toEqual([{ update: { labels: [{ remove: "ai-subtasks" }] } }, { update: { labels: [{ add: "subtasks-done" }] } }]);
  });
});
