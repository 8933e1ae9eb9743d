// The Linear adapter's stories side beyond the tracker contract: what it asks Linear for, and
// what the issues it makes hold.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uuidFromName } from "../../../src/db/uuid-from-name.ts";
import { parseAcceptanceCriteria } from "../../../src/generation/acceptance-criteria.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import { linearIssueId } from "../../../src/trackers/linear/issue-id.ts";
import { readMarker } from "../../../src/trackers/marker.ts";
import type { NewStory, Tracker, TrackerEpic, TrackerRef } from "../../../src/trackers/types.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { silentLogger } from "../../support/logger.ts";
import { LINEAR_API_URL } from "./support/linear-api.ts";

const RUN_ID = "4c2d1e0f-9a8b-4c7d-8e6f-5a4b3c2d1e0f";
const criteria = ["The invoice is listed", "An overdue invoice is marked"];

function newStory(epic: TrackerEpic, code: string, points: number | null = 3): NewStory {
  return {
    code,
    title: `As a buyer I want ${code}`,
    description: "Why it matters.",
    acceptanceCriteria: criteria,
    points,
    labels: ["payments"],
    marker: { runId: RUN_ID, code },
    clientId: uuidFromName(`story:${RUN_ID}:${epic.id}:${code}`),
  };
}

describe("Linear stories", () => {
  let workspace: LinearWorkspace;
  let tracker: Tracker;

  beforeEach(() => {
    workspace = new LinearWorkspace();
    tracker = createLinearTracker({
      config: { apiKey: "lin_api_unit_key", apiUrl: LINEAR_API_URL, webhookSecret: undefined },
      logger: silentLogger,
      sleep: async () => undefined,
    });
  });
  afterEach(() => {
    const unanswered = [...workspace.unanswered];
    workspace.stop();
    expect(unanswered).toEqual([]);
  });

  const ref = (key: string, kind: "issue" | "project" = "issue"): TrackerRef => ({ tracker: "linear", key, kind, input: key });

  it("an epic issue is read in two requests, and its stories made right after in one batch besides the labels", async () => {
    const epic = workspace.addIssue("ENG-1", { title: "Checkout", labels: ["Epic"] });
    const read = await tracker.readEpic(ref(epic.identifier));
    expect(workspace.operations).toEqual(["EpicIssue", "TeamEpics"]);
    const result = await tracker.createStories(read, [newStory(read, "S1"), newStory(read, "S2")]);
    expect(result.failed).toEqual([]);
    // The read looked for the story label and the team's settings already: the label is created
    // straight away; the team's own extra label is looked for, then created.
    expect(workspace.operations.slice(2)).toEqual(["CreateLabel", "TeamContext", "CreateLabel", "CreateIssues"]);
  });

  it("a story is a sub-issue of the epic issue with its id, both labels, its points as estimate, and the criteria and marker in its description", async () => {
    const epic = workspace.addIssue("ENG-1", { title: "Checkout", labels: ["Epic"] });
    const read = await tracker.readEpic(ref(epic.identifier));
    const story = newStory(read, "S1", 5);
    const result = await tracker.createStories(read, [story]);
    const made = workspace.byKey(result.created[0]!.key);
    expect(made).toMatchObject({ id: linearIssueId(story.clientId), parentId: epic.id, projectId: null, estimate: 5 });
    expect([...made.labels].sort()).toEqual(["payments", "subtasks-bot-story"]);
    expect(parseAcceptanceCriteria(made.description)).toEqual(criteria);
    expect(readMarker(made.description)).toMatchObject({ runId: RUN_ID, code: "S1" });
  });

  it("a project's story is in the project, under no issue", async () => {
    const project = workspace.addProject("Checkout");
    const read = await tracker.readEpic(ref(project.slugId, "project"));
    expect(workspace.operations).toEqual(["EpicProject"]);
    const result = await tracker.createStories(read, [newStory(read, "S1", null)]);
    expect(workspace.byKey(result.created[0]!.key)).toMatchObject({ projectId: project.id, parentId: null, estimate: null });
  });

  it("a project in an initiative has the initiative's other open projects as siblings, not the team's", async () => {
    workspace.addProject("Refunds");
    workspace.addProject("Invoicing", { initiative: "Billing" });
    workspace.addProject("Dunning", { initiative: "Billing", statusType: "canceled" });
    const project = workspace.addProject("Checkout", { initiative: "Billing" });
    const read = await tracker.readEpic(ref(project.slugId, "project"));
    expect(read.siblings.map((sibling) => sibling.title)).toEqual(["Invoicing"]);
  });

  it("a project's description is its summary and then its document", async () => {
    const project = workspace.addProject("Checkout", { description: "Pay for orders.", content: "## Scope\n\nBusiness accounts first." });
    expect((await tracker.readEpic(ref(project.slugId, "project"))).description).toBe("Pay for orders.\n\n## Scope\n\nBusiness accounts first.");
  });

  it("more than 50 stories are read page by page, up to 100", async () => {
    const epic = workspace.addIssue("ENG-1", { title: "Checkout", labels: ["Epic"] });
    for (let number = 2; number <= 121; number++) workspace.addIssue(`ENG-${number}`, { parentId: epic.id });
    const read = await tracker.readEpic(ref(epic.identifier));
    expect(read.stories).toHaveLength(100);
    expect(read.stories.at(-1)!.key).toBe("ENG-101");
    expect(workspace.count("StoryChildren")).toBe(1);
  });
});
