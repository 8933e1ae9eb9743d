// A label added in Linear, end to end: the signed delivery reaches the real app, the run goes
// through the real Linear adapter (nock plays Linear's GraphQL API) and the real generation
// engine (nock plays Claude's Messages API), and the story ends with its sub-issues, the
// comment, and the trigger label replaced by the done label.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitForRun } from "../../support/runs.ts";
import { answerClaudeOnce, type AnswerSubtask } from "../../support/webhooks/claude.ts";
import { sendLinear, webhookFixture } from "../../support/webhooks/deliveries.ts";
import { fixture } from "../../unit/trackers/support/fixtures.ts";
import { data, playLinear, type LinearApi } from "../../unit/trackers/support/linear-api.ts";

const SECRET = "lin_wh_4f8c2e1a9b7d6c5e3f2a1b0c9d8e7f6a";
const ANTHROPIC = "https://anthropic.test";
const env = {
  LINEAR_API_KEY: "lin_api_test_key_123",
  LINEAR_WEBHOOK_SECRET: SECRET,
  ANTHROPIC_API_KEY: "sk-ant-api03-test-key-0000",
  ANTHROPIC_BASE_URL: ANTHROPIC,
};
const STORY_ID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
const TEAM_ID = "3b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const BOT_LABEL_ID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
const TRIGGER_ID = "d4c3b2a1-0f9e-4d8c-b7a6-95847362514f";
const DONE_ID = "a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d";
const LABELS: Record<string, string> = { "subtasks-bot": BOT_LABEL_ID, "ai:subtasks": TRIGGER_ID, "subtasks:done": DONE_ID };

let app: TestApp | undefined;
let linear: LinearApi | undefined;

afterEach(async () => {
  await stopStarted();
  linear?.stop();
  nock.cleanAll();
  app = undefined;
  linear = undefined;
});

/** Labels of the team, by name, as Linear's `issueLabels(filter: { name: { eqIgnoreCase } })` answers. */
const labelsNamed = (name: string) => {
  const id = LABELS[name.toLowerCase()];
  return { nodes: id ? [{ id, name, isGroup: false, team: { id: TEAM_ID } }] : [] };
};

function playStory(api: LinearApi): void {
  const expansion = fixture("linear/expand-ENG-123.json");
  expansion.data.issue.children.nodes = [];
  expansion.data.issue.labels.nodes = [{ name: "Feature" }, { name: "ai:subtasks" }];
  const story = fixture("linear/story-ENG-123.json");
  story.data.issue.children.nodes = [];
  story.data.issue.labels.nodes = [{ name: "Feature" }, { name: "ai:subtasks" }];
  story.data.issueLabels = labelsNamed("subtasks-bot");
  api.graphql("ExpandIssue", data(expansion));
  api.graphql("Story", data(story));
  api.graphql("CreateIssues", (request) => {
    const inputs = (request.body as { variables: { input: { issues: { id: string; title: string }[] } } }).variables.input.issues;
    const issues = inputs.map((input, index) => ({
      id: input.id,
      identifier: `ENG-${130 + index}`,
      title: input.title,
      url: `https://linear.app/acme/issue/ENG-${130 + index}`,
    }));
    return data({ data: { issueBatchCreate: { success: true, issues } } });
  });
  // ST3, ST4 and ST5 wait for ST1, ST5 for ST2 too: one relation each, all in one request.
  const relation = fixture("linear/create-issue-relation.json").data.issueRelationCreate;
  api.graphql("LinkBlocks", data({ data: { l0: relation, l1: relation, l2: relation, l3: relation } }));
  api.graphql("CreateComment", data(fixture("linear/create-comment.json")));
  // Finishing labels: each name is looked up for the story (its team is not at hand there).
  const lookup = (request: { body: unknown }) => {
    const variables = (request.body as { variables: { issueId: string; labelName: string } }).variables;
    return data({ data: { issue: { id: variables.issueId, team: { id: TEAM_ID } }, issueLabels: labelsNamed(variables.labelName) } });
  };
  api.graphql("LabelLookup", lookup, lookup);
  api.graphql("RemoveLabel", data(fixture("linear/remove-label.json")));
  api.graphql("AddLabel", data(fixture("linear/add-label.json")));
}

// ENG-123 has two acceptance criteria: one row per order (AC1), dot decimals (AC2).
const SUBTASKS: AnswerSubtask[] = [
  { title: "Add the order export endpoint", description: "Expose `GET /orders/export` streaming CSV with a header row.\n\n**How to verify:** an API test downloads an export of 3 orders and gets 4 lines.", effort: "M", acceptanceCriteria: [1], dependsOn: [] },
  { title: "Write the CSV serializer", description: "Serialise orders to CSV, one row each, amounts with a dot as decimal separator whatever the locale.\n\n**How to verify:** unit tests cover a German locale and an order with 3 lines.", effort: "S", acceptanceCriteria: [1, 2], dependsOn: [] },
  { title: "Add the export button", description: "Add an Export CSV button to the orders list that downloads the file.\n\n**How to verify:** in the browser the button downloads orders.csv.", effort: "S", acceptanceCriteria: [1], dependsOn: [1] },
  { title: "Document the export API", description: "Describe the endpoint, its columns and number format in the API reference.\n\n**How to verify:** the reference page lists every column.", effort: "XS", acceptanceCriteria: [2], dependsOn: [1] },
  { title: "Load-test a 10k-order export", description: "Run the export on 10,000 orders in staging and record the time.\n\n**How to verify:** the export finishes in under 5 s.", effort: "S", acceptanceCriteria: [], dependsOn: [1, 2] },
];

describe("a Linear label, end to end", () => {
  it("adding ai:subtasks to ENG-123 gives it five sub-issues, a comment listing them, and subtasks:done in place of the trigger", async () => {
    linear = playLinear();
    playStory(linear);
    const claude = answerClaudeOnce(ANTHROPIC, SUBTASKS);
    app = await startApp({ env });

    const response = await sendLinear(app.baseUrl, webhookFixture("linear/issue-label-added.json"), { secret: SECRET });
    expect(response.body).toEqual({ status: "started", runId: expect.any(String) });
    const runId = response.body.runId as string;
    expect(await waitForRun(app.db, runId)).toBe("COMPLETED");

    expect(linear.unexpected).toEqual([]);
    expect(linear.pending()).toEqual([]);
    expect(claude.requests).toHaveLength(1);
    expect(JSON.stringify(claude.requests[0]!.messages)).toContain("Export orders as CSV");

    const [created] = linear.variablesOf("CreateIssues");
    expect(created!.input.issues.map((issue: { title: string }) => issue.title)).toEqual(SUBTASKS.map((subtask) => subtask.title));
    for (const issue of created!.input.issues) {
      expect(issue).toMatchObject({ parentId: STORY_ID, teamId: TEAM_ID, labelIds: [BOT_LABEL_ID] });
      expect(issue.description).toMatch(new RegExp(`Created by subtasks-bot · run ${runId} · ST[1-5] · ref sb1-[0-9a-f]{8}$`));
    }
    const [comment] = linear.variablesOf("CreateComment");
    expect(comment!.input.issueId).toBe(STORY_ID);
    expect(comment!.input.body).toContain(`created 5 subtasks (run \`${runId}\`)`);
    for (let n = 130; n < 135; n++) expect(comment!.input.body).toContain(`[ENG-${n}](https://linear.app/acme/issue/ENG-${n})`);
    // After the comment, the trigger label comes off, then the done label goes on.
    expect(linear.operations()).toEqual([
      "ExpandIssue",
      "Story",
      "CreateIssues",
      "LinkBlocks",
      "CreateComment",
      "LabelLookup",
      "RemoveLabel",
      "LabelLookup",
      "AddLabel",
    ]);
    // Each dependency as a blocks relation from the earlier sub-issue to the later one.
    const idOf = (n: number) => created!.input.issues[n - 1].id as string;
    expect(Object.values(linear.variablesOf("LinkBlocks")[0]!).map((input: any) => [input.issueId, input.relatedIssueId, input.type])).toEqual(
      expect.arrayContaining([
        [idOf(1), idOf(3), "blocks"],
        [idOf(1), idOf(4), "blocks"],
        [idOf(1), idOf(5), "blocks"],
        [idOf(2), idOf(5), "blocks"],
      ]),
    );
    expect(linear.variablesOf("RemoveLabel")).toEqual([{ id: STORY_ID, labelId: TRIGGER_ID }]);
    expect(linear.variablesOf("AddLabel")).toEqual([{ id: STORY_ID, labelId: DONE_ID }]);

    const run = await app.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ trigger: "TRACKER_LABEL", storiesDone: 1, subtasksCreated: 5, requestedByName: "Maya Fischer" });
  });
});
