import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  TrackerForbidden,
  NoSubtaskIssueType,
  TrackerRateLimited,
  StoryNotFound,
  TrackerAuthFailed,
  TrackerUnavailable,
} from "../../../src/trackers/errors.ts";
import { createJiraTracker } from "../../../src/trackers/jira/adapter.ts";
import { adfToMarkdown } from "../../../src/trackers/jira/adf-to-markdown.ts";
import { contentHash, readMarker } from "../../../src/trackers/marker.ts";
import type { NewSubtask, Tracker, TrackerRef, TrackerStory } from "../../../src/trackers/types.ts";
import { silentLogger } from "../../support/logger.ts";
import { fixture } from "./support/fixtures.ts";
import { JIRA_BASE_URL, json, playJira, type JiraApi } from "./support/jira-api.ts";

const NOW = Date.parse("2026-05-04T10:00:00Z");
const RUN_ID = "7f3e2a10-5c1b-4f0e-9d3a-2b8c6e1f4a90";
const ISSUE = "/rest/api/3/issue/PROJ-42";
const SEARCH = "/rest/api/3/search/jql";
const BULK = "/rest/api/3/issue/bulk";
const ISSUE_TYPES = "/rest/api/3/issue/createmeta/PROJ/issuetypes";
const SUBTASK_FIELDS = "/rest/api/3/issue/createmeta/PROJ/issuetypes/10003";

const ref = (key: string): TrackerRef => ({ tracker: "jira", key, kind: "issue", input: key });

const titles = ["Add the refund endpoint", "Store refund events", "Show refunds in the admin", "Document refunds", "Alert on failed refunds"];
const efforts = ["XS", "M", "L", "1.5h", null];
const subtasks: NewSubtask[] = titles.map((title, index) => ({
  code: `ST${index + 1}`,
  title,
  description: `Step ${index + 1}:\n\n- do it\n- test it`,
  effort: efforts[index] ?? null,
  marker: { runId: RUN_ID, code: `ST${index + 1}` },
  clientId: `0b6a8f5e-6a1c-4f0e-9d3a-2b8c6e1f4a0${index + 1}`,
}));

let api: JiraApi;
let waits: number[];
let tracker: Tracker;

beforeEach(() => {
  api = playJira();
  waits = [];
  tracker = createJiraTracker({
    config: { baseUrl: JIRA_BASE_URL, email: "bot@acme.example", apiToken: "jira-token-123", webhookSecret: undefined },
    logger: silentLogger,
    sleep: async (ms) => void waits.push(ms),
    now: () => NOW,
  });
});

afterEach(() => {
  expect(api.unexpected).toEqual([]);
  api.stop();
});

function storyWithoutChildren() {
  const issue = fixture("jira/issue-PROJ-42.json");
  issue.fields.subtasks = [];
  return issue;
}

async function readStory(issue: unknown = storyWithoutChildren()): Promise<TrackerStory> {
  api.route("GET", ISSUE, json(issue));
  return tracker.getStory(ref("PROJ-42"));
}

function bodyOf(call: string, index = 0): any {
  return api.requests.filter((request) => `${request.method} ${request.path}` === call)[index]?.body;
}

describe("Jira: reading a run's stories ahead", () => {
  it("reads them with one JQL search with their field names, and leaves a story with sub-tasks to its own read", async () => {
    const { names, ...fresh } = storyWithoutChildren();
    const withChildren = { ...fixture("jira/issue-PROJ-42.json"), id: "10043", key: "PROJ-43", names: undefined };
    api.route("GET", SEARCH, json({ issues: [fresh, withChildren], names, isLast: true }));

    const stories = await tracker.readStories!([
      { id: "10042", key: "PROJ-42", title: "", url: "" },
      { id: "10043", key: "PROJ-43", title: "", url: "" },
    ]);

    expect(api.calls()).toEqual([`GET ${SEARCH}`]);
    expect(Object.fromEntries(api.requests[0]!.query)).toEqual({ jql: "id in (10042,10043)", fields: "*navigable", expand: "names", maxResults: "100" });
    // The same story as getStory reads it, acceptance criteria and story points included (found by field name).
    expect(stories).toEqual([await readStory()]);
  });

  it("does not put an id that is not Jira's numeric id into JQL", async () => {
    expect(await tracker.readStories!([{ id: "1) OR (project = SECRET", key: "X-1", title: "", url: "" }])).toEqual([]);
    expect(api.calls()).toEqual([]);
  });
});

describe("Jira: reading a story", () => {
  it("reads the story with its field names, then its children page by page", async () => {
    api.route("GET", ISSUE, json(fixture("jira/issue-PROJ-42.json")));
    api.route("GET", SEARCH, json(fixture("jira/search-children-PROJ-42-page-1.json")), json(fixture("jira/search-children-PROJ-42-page-2.json")));
    const story = await tracker.getStory(ref("PROJ-42"));

    expect(api.calls()).toEqual([`GET ${ISSUE}`, `GET ${SEARCH}`, `GET ${SEARCH}`]);
    const [read, page1, page2] = api.requests;
    expect(Object.fromEntries(read!.query)).toEqual({ fields: "*navigable", expand: "names" });
    expect(read!.headers.get("authorization")).toBe(`Basic ${Buffer.from("bot@acme.example:jira-token-123").toString("base64")}`);
    expect(Object.fromEntries(page1!.query)).toEqual({
      jql: "parent = PROJ-42 ORDER BY created ASC",
      fields: "summary,description,labels,status,assignee",
      maxResults: "100",
    });
    expect(page2!.query.get("nextPageToken")).toBe("CAEaAggD");

    expect(story).toMatchObject({
      tracker: "jira",
      id: "10042",
      key: "PROJ-42",
      title: "Refund a payment",
      url: "https://acme.atlassian.net/browse/PROJ-42",
      description:
        "As a support agent I want to refund a payment so that customers get their money back.\n\nSee the [refund policy](https://acme.example/policy).",
      acceptanceCriteria: ["A refund cannot exceed the payment", "The customer gets an email"],
      labels: ["payments", "subtasks"],
      estimate: 5,
      parent: { id: "10001", key: "PROJ-1", title: "Refunds", url: "https://acme.atlassian.net/browse/PROJ-1" },
      team: { id: "10000", key: "PROJ", name: "Payments" },
      closed: false,
      isEpic: false,
    });
  });

  it("tells bot-made sub-tasks from a person's, and which ones a person touched", async () => {
    api.route("GET", ISSUE, json(fixture("jira/issue-PROJ-42.json")));
    api.route("GET", SEARCH, json(fixture("jira/search-children-PROJ-42-page-1.json")), json(fixture("jira/search-children-PROJ-42-page-2.json")));
    const story = await tracker.getStory(ref("PROJ-42"));
    const marker = (code: string) => ({ runId: RUN_ID, code });
    expect(story.children.map(({ key, state, createdByBot, marker, touchedByPerson }) => ({ key, state, createdByBot, marker, touchedByPerson }))).toEqual([
      { key: "PROJ-43", state: "To Do", createdByBot: true, marker: marker("ST1"), touchedByPerson: false },
      { key: "PROJ-44", state: "In Progress", createdByBot: true, marker: marker("ST2"), touchedByPerson: true },
      { key: "PROJ-45", state: "To Do", createdByBot: true, marker: marker("ST3"), touchedByPerson: true },
      { key: "PROJ-46", state: "To Do", createdByBot: true, marker: marker("ST4"), touchedByPerson: true },
      { key: "PROJ-47", state: "To Do", createdByBot: false, marker: null, touchedByPerson: true },
    ]);
    expect(story.children[0]?.url).toBe("https://acme.atlassian.net/browse/PROJ-43");
  });

  it("a story without children takes one request; a done one is closed; an Epic is an epic", async () => {
    const issue = storyWithoutChildren();
    issue.fields.status.statusCategory.key = "done";
    const story = await readStory(issue);
    expect(api.calls()).toEqual([`GET ${ISSUE}`]);
    expect(story).toMatchObject({ children: [], closed: true, isEpic: false });

    const epic = fixture("jira/issue-PROJ-42.json");
    epic.fields.issuetype = { id: "10000", name: "Epic", subtask: false, hierarchyLevel: 1 };
    epic.fields.subtasks = [];
    api.route("GET", ISSUE, json(epic));
    api.route("GET", SEARCH, json({ issues: [], isLast: true }));
    expect((await tracker.getStory(ref("PROJ-42"))).isEpic).toBe(true);
  });

  it("a site without acceptance-criteria or story-point fields gives none", async () => {
    const issue = storyWithoutChildren();
    delete issue.names.customfield_10050;
    delete issue.names.customfield_10016;
    const story = await readStory(issue);
    expect(story.acceptanceCriteria).toEqual([]);
    expect(story.estimate).toBeNull();
  });

  it("a story that does not exist (404) is StoryNotFound naming its key", async () => {
    api.route("GET", "/rest/api/3/issue/PROJ-999", json(fixture("jira/error-404.json"), 404));
    const error = await tracker.getStory(ref("PROJ-999")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoryNotFound);
    expect((error as Error).message).toBe("Jira has no issue PROJ-999, or the bot's account cannot see it");
  });

  it("refused credentials (401) are an auth error naming JIRA_EMAIL and JIRA_API_TOKEN", async () => {
    api.route("GET", ISSUE, { status: 401, body: "Client must be authenticated to access this resource." });
    const error = await tracker.getStory(ref("PROJ-42")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerAuthFailed);
    expect((error as Error).message).toMatch(/check JIRA_EMAIL and JIRA_API_TOKEN/);
    expect(api.calls()).toHaveLength(1);
  });

  it("no permission (403) is TrackerForbidden naming the permission needed", async () => {
    api.route("GET", ISSUE, json({ errorMessages: ["You do not have the permission to see the specified issue."], errors: {} }, 403));
    const error = await tracker.getStory(ref("PROJ-42")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerForbidden);
    expect(error).toMatchObject({ permission: "Browse projects" });
    expect((error as Error).message).toBe(
      'Jira did not allow the bot to read PROJ-42: You do not have the permission to see the specified issue. The bot\'s account needs the "Browse projects" project permission.',
    );
  });
});

describe("Jira: rate limits and outages", () => {
  it("a 429 is retried after its Retry-After, then succeeds", async () => {
    api.route(
      "GET",
      ISSUE,
      { status: 429, body: { errorMessages: ["Rate limit exceeded."] }, headers: { "Retry-After": "5", "RateLimit-Reason": "jira-burst-based" } },
      json(storyWithoutChildren()),
    );
    const story = await tracker.getStory(ref("PROJ-42"));
    expect(story.key).toBe("PROJ-42");
    expect(waits).toEqual([5000]);
    expect(api.calls()).toEqual([`GET ${ISSUE}`, `GET ${ISSUE}`]);
  });

  it("a 429 without Retry-After waits until X-RateLimit-Reset", async () => {
    api.route(
      "GET",
      ISSUE,
      { status: 429, body: "", headers: { "X-RateLimit-Reset": new Date(NOW + 9000).toISOString() } },
      json(storyWithoutChildren()),
    );
    await tracker.getStory(ref("PROJ-42"));
    expect(waits).toEqual([9000]);
  });

  it("a 503 with Retry-After is waited out too", async () => {
    api.route("GET", ISSUE, { status: 503, body: "Service Unavailable", headers: { "Retry-After": "2" } }, json(storyWithoutChildren()));
    await tracker.getStory(ref("PROJ-42"));
    expect(waits).toEqual([2000]);
  });

  it("still rate limited after four attempts is TrackerRateLimited with the wait", async () => {
    const limited = { status: 429, body: "", headers: { "Retry-After": "3" } };
    api.route("GET", ISSUE, limited, limited, limited, limited);
    await expect(tracker.getStory(ref("PROJ-42"))).rejects.toMatchObject({ code: "tracker_rate_limited", retryable: true, retryAfterMs: 3000 });
    expect(waits).toEqual([3000, 3000, 3000]);
  });

  it("a network failure that lasts is TrackerUnavailable, retryable", async () => {
    const reset = { networkError: "socket hang up" };
    api.route("GET", ISSUE, reset, reset, reset, reset);
    const error = await tracker.getStory(ref("PROJ-42")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerUnavailable);
    expect(error).toMatchObject({ retryable: true });
  });
});

describe("Jira: expanding an epic", () => {
  it("an Epic expands to its children by `parent = KEY`, paged by nextPageToken and capped with a count", async () => {
    api.route("GET", "/rest/api/3/issue/PROJ-1", json(fixture("jira/issue-PROJ-1-brief.json")));
    api.route("GET", SEARCH, json(fixture("jira/search-epic-PROJ-1-page-1.json")), json(fixture("jira/search-epic-PROJ-1-page-2.json")));
    api.route("POST", "/rest/api/3/search/approximate-count", json(fixture("jira/approximate-count.json")));
    const expansion = await tracker.expand(ref("PROJ-1"), { limit: 5 });

    expect(api.calls()).toEqual(["GET /rest/api/3/issue/PROJ-1", `GET ${SEARCH}`, `GET ${SEARCH}`, "POST /rest/api/3/search/approximate-count"]);
    expect(Object.fromEntries(api.requests[0]!.query)).toEqual({ fields: "summary,issuetype" });
    expect(Object.fromEntries(api.requests[1]!.query)).toEqual({ jql: "parent = PROJ-1 ORDER BY created ASC", fields: "summary", maxResults: "6" });
    expect(Object.fromEntries(api.requests[2]!.query)).toEqual({
      jql: "parent = PROJ-1 ORDER BY created ASC",
      fields: "summary",
      maxResults: "3",
      nextPageToken: "CAEaAggE",
    });
    expect(api.requests[3]!.body).toEqual({ jql: "parent = PROJ-1" });
    expect(expansion).toMatchObject({
      epic: { id: "10001", key: "PROJ-1", title: "Refunds", url: "https://acme.atlassian.net/browse/PROJ-1" },
      capped: true,
      message: "PROJ-1 has 73 stories; taking the first 5",
    });
    expect(expansion.stories.map((story) => story.key)).toEqual(["PROJ-101", "PROJ-102", "PROJ-103", "PROJ-104", "PROJ-105"]);
    expect(expansion.stories[0]).toEqual({ id: "10101", key: "PROJ-101", title: "Refund story 1", url: "https://acme.atlassian.net/browse/PROJ-101" });
  });

  it("an Epic under the limit gives all its stories, uncapped", async () => {
    const lastPage = fixture("jira/search-epic-PROJ-1-page-2.json");
    delete lastPage.nextPageToken;
    lastPage.isLast = true;
    api.route("GET", "/rest/api/3/issue/PROJ-1", json(fixture("jira/issue-PROJ-1-brief.json")));
    api.route("GET", SEARCH, json(fixture("jira/search-epic-PROJ-1-page-1.json")), json(lastPage));
    const expansion = await tracker.expand(ref("PROJ-1"));
    expect(expansion.capped).toBe(false);
    expect(expansion.message).toBeUndefined();
    expect(expansion.stories).toHaveLength(6);
    expect(api.requests[1]!.query.get("maxResults")).toBe("51");
  });

  it("a plain story expands to itself", async () => {
    api.route("GET", ISSUE, json(fixture("jira/issue-PROJ-42-brief.json")));
    expect(await tracker.expand(ref("PROJ-42"))).toEqual({
      epic: null,
      stories: [{ id: "10042", key: "PROJ-42", title: "Refund a payment", url: "https://acme.atlassian.net/browse/PROJ-42" }],
      capped: false,
    });
  });
});

describe("Jira: creating sub-tasks", () => {
  it("read + create 5 + comment takes five requests the first time in a project, three after", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, json(fixture("jira/bulk-create-all.json"), 201), json(fixture("jira/bulk-create-all.json"), 201));
    api.route("POST", `${ISSUE}/comment`, json(fixture("jira/comment-created.json"), 201), json(fixture("jira/comment-created.json"), 201));

    const story = await readStory();
    const result = await tracker.createSubtasks(story, subtasks);
    await tracker.comment(story, "Created **5** sub-tasks.");
    expect(api.calls()).toEqual([`GET ${ISSUE}`, `GET ${ISSUE_TYPES}`, `GET ${SUBTASK_FIELDS}`, `POST ${BULK}`, `POST ${ISSUE}/comment`]);

    const second = await readStory();
    await tracker.createSubtasks(second, subtasks);
    await tracker.comment(second, "Created 5 sub-tasks.");
    expect(api.calls().slice(5)).toEqual([`GET ${ISSUE}`, `POST ${BULK}`, `POST ${ISSUE}/comment`]);

    const { issueUpdates } = bodyOf(`POST ${BULK}`);
    expect(issueUpdates).toHaveLength(5);
    const first = issueUpdates[0].fields;
    expect(first).toMatchObject({
      project: { key: "PROJ" },
      parent: { key: "PROJ-42" },
      issuetype: { id: "10003" },
      summary: "Add the refund endpoint",
      labels: ["subtasks-bot"],
      timetracking: { originalEstimate: "1h" },
    });
    expect(first.description).toMatchObject({ type: "doc", version: 1, content: expect.any(Array) });
    expect(first.description.content[1]).toEqual({
      type: "bulletList",
      content: [
        { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "do it" }] }] },
        { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "test it" }] }] },
      ],
    });
    // The marker survives into ADF and reads back with the hash of what was written.
    const readBack = adfToMarkdown(first.description);
    expect(readMarker(readBack)).toEqual({ runId: RUN_ID, code: "ST1", hash: contentHash("Add the refund endpoint", subtasks[0]!.description) });
    expect(issueUpdates.map((update: any) => update.fields.timetracking?.originalEstimate)).toEqual(["1h", "4h", "6h", "1h 30m", undefined]);

    expect(result.failed).toEqual([]);
    expect(result.created).toEqual(
      titles.map((title, index) => ({
        id: String(10201 + index),
        key: `PROJ-${201 + index}`,
        title,
        url: `https://acme.atlassian.net/browse/PROJ-${201 + index}`,
        code: `ST${index + 1}`,
      })),
    );
    expect(bodyOf(`POST ${ISSUE}/comment`)).toEqual({
      body: {
        type: "doc",
        version: 1,
        content: [{ type: "paragraph", content: [{ type: "text", text: "Created " }, { type: "text", text: "5", marks: [{ type: "strong" }] }, { type: "text", text: " sub-tasks." }] }],
      },
    });
  });

  it("an XL sub-task gets an original estimate of one day, the full working day the prompt tells Claude XL is", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, json(fixture("jira/bulk-create-all.json"), 201));

    await tracker.createSubtasks(await readStory(), [{ ...subtasks[0]!, effort: "XL" }]);

    const { issueUpdates } = bodyOf(`POST ${BULK}`);
    expect(issueUpdates).toHaveLength(1);
    expect(issueUpdates[0].fields.timetracking).toEqual({ originalEstimate: "1d" });
  });

  it("no estimates are sent when time tracking is not on the sub-task create screen", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields-no-timetracking.json")));
    api.route("POST", BULK, json(fixture("jira/bulk-create-all.json"), 201));
    await tracker.createSubtasks(await readStory(), subtasks);
    expect(bodyOf(`POST ${BULK}`).issueUpdates.every((update: any) => !("timetracking" in update.fields))).toBe(true);
  });

  it("without Labels on the create screen, sub-tasks are created without the label (the footer still marks them)", async () => {
    const screen = fixture("jira/createmeta-PROJ-10003-fields-no-timetracking.json");
    screen.fields = screen.fields.filter((field: { fieldId: string }) => field.fieldId !== "labels");
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(screen));
    api.route("POST", BULK, json(fixture("jira/bulk-create-all.json"), 201));
    const result = await tracker.createSubtasks(await readStory(), subtasks);
    const fields = bodyOf(`POST ${BULK}`).issueUpdates.map((update: any) => update.fields);
    expect(fields.every((field: object) => !("labels" in field))).toBe(true);
    expect(readMarker(adfToMarkdown(fields[0].description))).toMatchObject({ code: "ST1" });
    expect(result.created).toHaveLength(5);
  });

  it("one item failing: the other four are kept and the failed one is reported by failedElementNumber", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, json(fixture("jira/bulk-create-partial.json"), 201));
    const result = await tracker.createSubtasks(await readStory(), subtasks);
    expect(result.created.map((item) => [item.code, item.key])).toEqual([
      ["ST1", "PROJ-201"],
      ["ST2", "PROJ-202"],
      ["ST4", "PROJ-204"],
      ["ST5", "PROJ-205"],
    ]);
    expect(result.failed).toEqual([{ ref: "ST3", error: "Jira refused this sub-task: summary: Summary must be less than 255 characters." }]);
  });

  it("every item refused (HTTP 400): each is reported, none created, nothing thrown", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, json(fixture("jira/bulk-create-all-failed.json"), 400));
    const result = await tracker.createSubtasks(await readStory(), subtasks.slice(0, 2));
    expect(result.created).toEqual([]);
    expect(result.failed.map((failure) => failure.ref)).toEqual(["ST1", "ST2"]);
    expect(result.failed[0]?.error).toBe(
      "Jira refused this sub-task: issuetype: The issue type selected is invalid.; parent: Given parent work item does not belong to appropriate hierarchy.",
    );
  });

  it("more than 50 sub-tasks go in chunks of 50", async () => {
    const many = Array.from({ length: 51 }, (_unused, index) => ({ ...subtasks[0]!, code: `ST${index + 1}`, effort: null }));
    const createdIssues = (from: number, count: number) => ({
      issues: Array.from({ length: count }, (_unused, index) => ({ id: String(20000 + from + index), key: `PROJ-${1000 + from + index}`, self: "x" })),
      errors: [],
    });
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, json(createdIssues(0, 50), 201), json(createdIssues(50, 1), 201));
    const result = await tracker.createSubtasks(await readStory(), many);
    expect(api.calls()).toEqual([`GET ${ISSUE}`, `GET ${ISSUE_TYPES}`, `GET ${SUBTASK_FIELDS}`, `POST ${BULK}`, `POST ${BULK}`]);
    expect([bodyOf(`POST ${BULK}`, 0).issueUpdates.length, bodyOf(`POST ${BULK}`, 1).issueUpdates.length]).toEqual([50, 1]);
    expect(result.created.at(-1)).toMatchObject({ code: "ST51", key: "PROJ-1050" });
  });

  it("a project without a sub-task issue type is a clear NoSubtaskIssueType error", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes-no-subtask.json")));
    const error = await tracker.createSubtasks(await readStory(), subtasks).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoSubtaskIssueType);
    expect((error as Error).message).toMatch(/^Jira project PROJ has no sub-task issue type/);
    expect(api.calls()).toEqual([`GET ${ISSUE}`, `GET ${ISSUE_TYPES}`]);
  });

  it("no permission to create is TrackerForbidden naming Create issues", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, json(fixture("jira/error-403-create.json"), 403));
    await expect(tracker.createSubtasks(await readStory(), subtasks)).rejects.toMatchObject({
      code: "tracker_forbidden",
      permission: "Create issues",
    });
  });

  it("a 5xx on create is not sent again (Jira may have created the issues): TrackerUnavailable", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, { status: 502, body: "Bad Gateway" });
    await expect(tracker.createSubtasks(await readStory(), subtasks)).rejects.toBeInstanceOf(TrackerUnavailable);
    expect(api.calls().filter((call) => call === `POST ${BULK}`)).toHaveLength(1);
  });

  it("a rate-limited create is sent again after the wait", async () => {
    api.route("GET", ISSUE_TYPES, json(fixture("jira/createmeta-PROJ-issuetypes.json")));
    api.route("GET", SUBTASK_FIELDS, json(fixture("jira/createmeta-PROJ-10003-fields.json")));
    api.route("POST", BULK, { status: 429, body: "", headers: { "Retry-After": "4" } }, json(fixture("jira/bulk-create-all.json"), 201));
    const result = await tracker.createSubtasks(await readStory(), subtasks);
    expect(result.created).toHaveLength(5);
    expect(waits).toEqual([4000]);
  });
});

describe("Jira: deleting, commenting and labelling", () => {
  it("deletes each sub-task; a 404 counts as deleted, a refused one is reported", async () => {
    api.route("DELETE", "/rest/api/3/issue/10043", { status: 204 });
    api.route("DELETE", "/rest/api/3/issue/10044", json(fixture("jira/error-404.json"), 404));
    api.route("DELETE", "/rest/api/3/issue/10045", json({ errorMessages: ["You do not have permission to delete issues in this project."], errors: {} }, 403));
    const result = await tracker.deleteSubtasks(["10043", "10044", "10045"]);
    expect(result.deleted).toEqual(["10043", "10044"]);
    expect(result.failed).toEqual([
      {
        ref: "10045",
        error:
          'Jira did not allow the bot to delete 10045: You do not have permission to delete issues in this project. The bot\'s account needs the "Delete issues" project permission.',
      },
    ]);
    // Sub-tasks have no sub-tasks: deleteSubtasks=true is never sent.
    expect(api.requests.every((request) => request.query.toString() === "")).toBe(true);
  });

  it("comments with an ADF body; a comment refused for a rate limit is sent again", async () => {
    api.route("POST", `${ISSUE}/comment`, { status: 429, body: "", headers: { "Retry-After": "1" } }, json(fixture("jira/comment-created.json"), 201));
    await tracker.comment({ id: "10042", key: "PROJ-42", title: "Refund a payment", url: "" }, "Done.");
    expect(bodyOf(`POST ${ISSUE}/comment`, 1)).toEqual({
      body: { type: "doc", version: 1, content: [{ type: "paragraph", content: [{ type: "text", text: "Done." }] }] },
    });
    expect(waits).toEqual([1000]);
  });

  it("adds and removes labels with an update, spaces turned into dashes", async () => {
    api.route("PUT", ISSUE, { status: 204 }, { status: 204 });
    const summary = { id: "10042", key: "PROJ-42", title: "Refund a payment", url: "" };
    await tracker.addLabel(summary, "subtasks done");
    await tracker.removeLabel(summary, "subtasks");
    expect(bodyOf(`PUT ${ISSUE}`, 0)).toEqual({ update: { labels: [{ add: "subtasks-done" }] } });
    expect(bodyOf(`PUT ${ISSUE}`, 1)).toEqual({ update: { labels: [{ remove: "subtasks" }] } });
  });

  it("a refused label edit names the Edit issues permission", async () => {
    api.route("PUT", ISSUE, json({ errorMessages: ["You do not have permission to edit issues in this project."], errors: {} }, 403));
    await expect(tracker.addLabel({ id: "10042", key: "PROJ-42", title: "", url: "" }, "x")).rejects.toMatchObject({ permission: "Edit issues" });
  });

  it("a rejected field is reported with Jira's message", async () => {
    api.route("PUT", ISSUE, json(fixture("jira/error-400-labels.json"), 400));
    await expect(tracker.addLabel({ id: "10042", key: "PROJ-42", title: "", url: "" }, "x")).rejects.toThrow(
      "Jira refused to add the label \"x\" to PROJ-42: labels: The label 'a b' contains spaces which is invalid.",
    );
  });
});

describe("Jira: dependencies as Blocks links", () => {
  const LINK_TYPES = "/rest/api/3/issueLinkType";
  const end = (n: number) => ({ code: `ST${n}`, id: String(10200 + n), key: `PROJ-${200 + n}` });
  const link = (blocker: number, blocked: number) => ({ blocker: end(blocker), blocked: end(blocked), clientId: `0b6a8f5e-6a1c-4f0e-9d3a-2b8c6e1f4b${blocker}${blocked}` });
  const noLinks = (key: string) => json({ id: String(10000 + Number(key.split("-")[1])), key, fields: { issuelinks: [] } });
  // In the order jira.js writes them.
  const blocksBody = (blocker: number, blocked: number) => ({
    inwardIssue: { key: `PROJ-${200 + blocker}` },
    outwardIssue: { key: `PROJ-${200 + blocked}` },
    type: { id: "10000" },
  });

  it("finds the Blocks type once, reads each blocked sub-task's links once, and posts the blocker as inwardIssue", async () => {
    api.route("GET", LINK_TYPES, json(fixture("jira/issue-link-types.json")));
    api.route("GET", "/rest/api/3/issue/PROJ-202", noLinks("PROJ-202"));
    api.route("GET", "/rest/api/3/issue/PROJ-203", noLinks("PROJ-203"), noLinks("PROJ-203"));
    api.route("POST", "/rest/api/3/issueLink", { status: 201 }, { status: 201 }, { status: 201 }, { status: 201 });
    const links = [link(1, 2), link(1, 3), link(2, 3)];

    expect(await tracker.linkBlocks(links)).toEqual({ linked: links, failed: [] });
    // The type is kept: a second story's links need no second look-up.
    expect(await tracker.linkBlocks([link(2, 3)])).toMatchObject({ linked: [link(2, 3)] });

    expect(api.calls().filter((call) => call === `GET ${LINK_TYPES}`)).toHaveLength(1);
    expect(api.requests.filter((request) => request.path === "/rest/api/3/issue/PROJ-203").map((request) => request.query.get("fields"))).toEqual([
      "issuelinks",
      "issuelinks",
    ]);
    // Jira shows {inwardIssue: A, outwardIssue: B} of "Blocks" as "A blocks B", "B is blocked by A".
    // Blocked sub-tasks are worked on side by side, so the posts come in no fixed order.
    const posted = [0, 1, 2, 3].map((index) => JSON.stringify(bodyOf("POST /rest/api/3/issueLink", index)));
    expect(posted.sort()).toEqual([blocksBody(1, 2), blocksBody(1, 3), blocksBody(2, 3), blocksBody(2, 3)].map((body) => JSON.stringify(body)).sort());
  });

  it("a link the blocked sub-task already shows (made before a crash) is reported linked and not posted again", async () => {
    api.route("GET", LINK_TYPES, json(fixture("jira/issue-link-types.json")));
    // PROJ-203 is blocked by PROJ-201 already, and merely relates to PROJ-202.
    api.route("GET", "/rest/api/3/issue/PROJ-203", json(fixture("jira/issue-PROJ-203-links.json")));
    api.route("POST", "/rest/api/3/issueLink", { status: 201 });

    expect(await tracker.linkBlocks([link(1, 3), link(2, 3)])).toEqual({ linked: [link(1, 3), link(2, 3)], failed: [] });

    expect(api.requests.filter((request) => request.method === "POST").map((request) => request.body)).toEqual([blocksBody(2, 3)]);
  });

  it("on a site without a Blocks type, nothing is read or made, the result says why, and the next call asks again", async () => {
    const types = fixture("jira/issue-link-types.json");
    types.issueLinkTypes = types.issueLinkTypes.filter((type: { name: string }) => type.name !== "Blocks");
    api.route("GET", LINK_TYPES, json(types), json(types));

    const result = await tracker.linkBlocks([link(1, 2)]);
    await tracker.linkBlocks([link(1, 2)]);

    expect(result).toEqual({
      linked: [],
      failed: [],
      unavailable: 'This Jira site has no "Blocks" issue link type, so the dependencies between sub-tasks are only in their descriptions.',
    });
    expect(api.calls()).toEqual([`GET ${LINK_TYPES}`, `GET ${LINK_TYPES}`]);
  });

  it("with issue linking turned off (the link types answer 404), nothing is made and the result says so", async () => {
    api.route("GET", LINK_TYPES, json({ errorMessages: ["Issue linking is disabled."], errors: {} }, 404));
    expect(await tracker.linkBlocks([link(1, 2)])).toEqual({
      linked: [],
      failed: [],
      unavailable: "Issue linking is turned off on this Jira site, so the dependencies between sub-tasks are only in their descriptions.",
    });
  });

  it("a link Jira refuses fails alone and names the Link issues permission", async () => {
    api.route("GET", LINK_TYPES, json(fixture("jira/issue-link-types.json")));
    api.route("GET", "/rest/api/3/issue/PROJ-202", noLinks("PROJ-202"));
    api.route("GET", "/rest/api/3/issue/PROJ-203", noLinks("PROJ-203"));
    const refuseProj202 = (request: { body: unknown }) =>
      (request.body as { outwardIssue: { key: string } }).outwardIssue.key === "PROJ-202"
        ? json({ errorMessages: ["You do not have the permission to link issues."], errors: {} }, 403)
        : { status: 201 };
    api.route("POST", "/rest/api/3/issueLink", refuseProj202, refuseProj202);

    const result = await tracker.linkBlocks([link(1, 2), link(2, 3)]);

    expect(result.linked).toEqual([link(2, 3)]);
    expect(result.failed).toEqual([
      {
        ref: "ST1 blocks ST2",
        error: 'Jira did not allow the bot to link PROJ-201 as blocking PROJ-202: You do not have the permission to link issues. The bot\'s account needs the "Link issues" project permission.',
      },
    ]);
  });
});

describe("Jira: errors never leak raw", () => {
  it("every failure is one of the port's typed errors", async () => {
    api.route("GET", ISSUE, { status: 418, body: "teapot" });
    const error = await tracker.getStory(ref("PROJ-42")).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "tracker_request_rejected", retryable: false });
    expect(error).not.toBeInstanceOf(TrackerRateLimited);
  });
});
