// The Jira adapter's stories side beyond the tracker contract: what it asks Jira for, a project
// without a Story type, a localised Story type, and how criteria and points fit each kind of field.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uuidFromName } from "../../../src/db/uuid-from-name.ts";
import { NoStoryIssueType, NotAnEpic } from "../../../src/trackers/errors.ts";
import { createJiraTracker } from "../../../src/trackers/jira/adapter.ts";
import type { CreateMetaField } from "../../../src/trackers/jira/schemas.ts";
import { criteriaFieldValue, pointsFieldValue, storyPointScale } from "../../../src/trackers/jira/story-fields.ts";
import type { NewStory, Tracker, TrackerEpic, TrackerRef } from "../../../src/trackers/types.ts";
import { JiraSite } from "../../support/jira-site.ts";
import { silentLogger } from "../../support/logger.ts";
import { fixture } from "./support/fixtures.ts";
import { JIRA_BASE_URL } from "./support/jira-api.ts";

const RUN_ID = "4c2d1e0f-9a8b-4c7d-8e6f-5a4b3c2d1e0f";
const ISSUE_TYPES = "/rest/api/3/issue/createmeta/PROJ/issuetypes";
const ref = (key: string): TrackerRef => ({ tracker: "jira", key, kind: "issue", input: key });

function newStory(epic: TrackerEpic, code: string): NewStory {
  return {
    code,
    title: `As a buyer I want ${code}`,
    description: "Why it matters.",
    acceptanceCriteria: ["The invoice is listed", "An overdue invoice is marked"],
    points: 3,
    marker: { runId: RUN_ID, code },
    clientId: uuidFromName(`story:${RUN_ID}:${epic.id}:${code}`),
  };
}

describe("Jira stories", () => {
  let site: JiraSite;
  let tracker: Tracker;

  function start(options: { storyFields?: boolean } = {}) {
    site = new JiraSite(options);
    tracker = createJiraTracker({
      config: { baseUrl: JIRA_BASE_URL, email: "bot@acme.example", apiToken: "jira-unit-token", webhookSecret: undefined },
      logger: silentLogger,
      sleep: async () => undefined,
    });
  }
  const calls = () => site.api.requests.map((request) => `${request.method} ${request.path}`);
  /** The createmeta issue types of the fixture, changed. */
  const issueTypes = (change: (types: { name: string; untranslatedName?: string }[]) => unknown[]) => {
    const page = fixture("jira/createmeta-PROJ-issuetypes.json");
    return { status: 200, body: { ...page, issueTypes: change(page.issueTypes) } };
  };

  beforeEach(() => start());
  afterEach(() => {
    const unexpected = site.api.unexpected.map((request) => `${request.method} ${request.path}`);
    site.stop();
    expect(unexpected).toEqual([]);
  });

  it("reads an epic in five requests, and creates its stories right after in one", async () => {
    const epic = site.addIssue({ summary: "Checkout", type: "Epic" });
    site.addIssue({ summary: "Pay by card", parentKey: epic.key });
    const read = await tracker.readEpic(ref(epic.key));
    expect(calls()).toEqual([
      `GET /rest/api/3/issue/${epic.key}`,
      `GET ${ISSUE_TYPES}`,
      `GET ${ISSUE_TYPES}/10001`,
      "GET /rest/api/3/search/jql",
      "GET /rest/api/3/search/jql",
    ]);
    const before = calls().length;
    const result = await tracker.createStories(read, [newStory(read, "S1")]);
    expect(result.failed).toEqual([]);
    expect(calls().slice(before)).toEqual(["POST /rest/api/3/issue/bulk"]);
  });

  it("a sub-task or a story is not an epic", async () => {
    const story = site.addIssue({ summary: "Pay by card" });
    await expect(tracker.readEpic(ref(story.key))).rejects.toBeInstanceOf(NotAnEpic);
  });

  it("a project without a Story type still reads its epic, without points, and refuses to create stories with NoStoryIssueType", async () => {
    site.api.on("issue types", (request) => request.path === ISSUE_TYPES, issueTypes((types) => types.filter((type) => type.name !== "Story")));
    const epic = site.addIssue({ summary: "Checkout", type: "Epic" });
    const read = await tracker.readEpic(ref(epic.key));
    expect(read.pointScale).toBeNull();
    const error = await tracker.createStories(read, [newStory(read, "S1")]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoStoryIssueType);
    expect((error as Error).message).toMatch(/^Jira project PROJ has no Story issue type/);
    expect(calls()).not.toContain("POST /rest/api/3/issue/bulk");
  });

  it("a Story type shown in another language is found by its untranslated name", async () => {
    site.api.on(
      "issue types",
      (request) => request.path === ISSUE_TYPES,
      issueTypes((types) => types.map((type) => (type.name === "Story" ? { ...type, name: "Historia" } : type))),
    );
    const epic = site.addIssue({ summary: "Checkout", type: "Epic" });
    const read = await tracker.readEpic(ref(epic.key));
    const result = await tracker.createStories(read, [newStory(read, "S1")]);
    expect(result.failed).toEqual([]);
    expect(site.byKey(result.created[0]!.key)).toMatchObject({ type: "Story", parentKey: epic.key });
  });

  it("on a screen with the fields, a story's criteria are an ADF bullet list and its points a number", async () => {
    site.stop();
    start({ storyFields: true });
    const epic = site.addIssue({ summary: "Checkout", type: "Epic" });
    const read = await tracker.readEpic(ref(epic.key));
    const result = await tracker.createStories(read, [newStory(read, "S1")]);
    const made = site.byKey(result.created[0]!.key);
    expect(made.custom.customfield_10016).toBe(3);
    expect(made.custom.customfield_10050).toMatchObject({ type: "doc", content: [{ type: "bulletList" }] });
    expect(made.labels).toEqual(["subtasks-bot-story"]);
  });
});

describe("a Story screen's fields, as a stories run fills them", () => {
  const field = (schema: CreateMetaField["schema"], allowedValues?: unknown[]): CreateMetaField => ({
    fieldId: "customfield_10100",
    name: "Acceptance Criteria",
    ...(schema ? { schema } : {}),
    ...(allowedValues ? { allowedValues } : {}),
  });
  const criteria = ["The invoice is listed", "An overdue invoice is marked"];

  it("a single-line text field takes the criteria as one string", () => {
    const textfield = field({ type: "string", custom: "com.atlassian.jira.plugin.system.customfieldtypes:textfield" });
    expect(criteriaFieldValue(textfield, criteria)).toBe("The invoice is listed; An overdue invoice is marked");
  });

  it("a list-of-strings field takes them as a list", () => {
    expect(criteriaFieldValue(field({ type: "array", items: "string" }), criteria)).toEqual(criteria);
  });

  it("a multi-line text field takes them as a document with one list item each", () => {
    const textarea = field({ type: "string", custom: "com.atlassian.jira.plugin.system.customfieldtypes:textarea" });
    const doc = criteriaFieldValue(textarea, criteria) as { type: string; content: { type: string; content: unknown[] }[] };
    expect(doc.type).toBe("doc");
    expect(doc.content[0]).toMatchObject({ type: "bulletList" });
    expect(doc.content[0]!.content).toHaveLength(2);
  });

  it("a select story points field offers its own options as the scale and takes an option", () => {
    const options = [
      { id: "10201", value: "8" },
      { id: "10200", value: "1" },
      { id: "10202", value: "?" },
      { id: "10203", value: "3" },
    ];
    const points = field({ type: "option", custom: "com.atlassian.jira.plugin.system.customfieldtypes:select" }, options);
    expect(storyPointScale(points)).toEqual([1, 3, 8]);
    expect(pointsFieldValue(points, 3)).toEqual({ id: "10203" });
    expect(pointsFieldValue(points, 5)).toBeNull();
  });

  it("a number story points field takes the points; without a field there is no scale", () => {
    const points = field({ type: "number", custom: "com.atlassian.jira.plugin.system.customfieldtypes:float" });
    expect(storyPointScale(points)).toEqual([1, 2, 3, 5, 8, 13]);
    expect(pointsFieldValue(points, 5)).toBe(5);
    expect(storyPointScale(null)).toBeNull();
  });
});
