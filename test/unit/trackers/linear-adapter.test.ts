import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  TrackerForbidden,
  TrackerRateLimited,
  StoryNotFound,
  TrackerAuthFailed,
  TrackerResponseInvalid,
  TrackerUnavailable,
} from "../../../src/trackers/errors.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import { linearIssueId } from "../../../src/trackers/linear/issue-id.ts";
import { contentHash } from "../../../src/trackers/marker.ts";
import type { NewSubtask, Tracker, TrackerRef, TrackerStory } from "../../../src/trackers/types.ts";
import { silentLogger } from "../../support/logger.ts";
import { fixture } from "./support/fixtures.ts";
import { data, LINEAR_API_URL, playLinear, type LinearApi } from "./support/linear-api.ts";

const NOW = Date.parse("2026-05-04T10:00:00Z");
const RUN_ID = "7f3e2a10-5c1b-4f0e-9d3a-2b8c6e1f4a90";
const TEAM_ID = "3b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const BOT_LABEL_ID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
const BACKLOG_STATE_ID = "5d2a1c3b-0e4f-4a5b-9c6d-7e8f9a0b1c2d";
const STORY_ID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

const ref = (key: string, kind: "issue" | "project" = "issue"): TrackerRef => ({ tracker: "linear", key, kind, input: key });

const created = fixture("linear/create-issues.json").data.issueBatchCreate.issues as { id: string; title: string }[];
const efforts = ["XS", "S", "M", "L", null];
const subtasks: NewSubtask[] = created.map((issue, index) => ({
  code: `ST${index + 1}`,
  title: issue.title,
  description: `Do part ${index + 1} of the export.`,
  effort: efforts[index] ?? null,
  marker: { runId: RUN_ID, code: `ST${index + 1}` },
  clientId: issue.id,
}));

let api: LinearApi;
let waits: number[];
let tracker: Tracker;

beforeEach(() => {
  api = playLinear();
  waits = [];
  tracker = createLinearTracker({
    config: { apiKey: "lin_api_test_key", apiUrl: LINEAR_API_URL, webhookSecret: undefined },
    logger: silentLogger,
    sleep: async (ms) => void waits.push(ms),
    now: () => NOW,
  });
});

afterEach(() => {
  expect(api.unexpected).toEqual([]);
  api.stop();
});

async function readStory(): Promise<TrackerStory> {
  api.graphql("Story", data(fixture("linear/story-ENG-123.json")));
  return tracker.getStory(ref("ENG-123"));
}

describe("Linear: reading a run's stories ahead", () => {
  const issue = fixture("linear/story-ENG-123.json").data.issue;
  const nodeFor = (n: number, moreChildren = false) => ({
    ...issue,
    id: `id-${n}`,
    identifier: `ENG-${n}`,
    team: { id: issue.team.id, key: issue.team.key, name: issue.team.name },
    children: { ...issue.children, pageInfo: { hasNextPage: moreChildren, endCursor: moreChildren ? "c1" : null } },
  });
  const items = Array.from({ length: 60 }, (_, i) => ({ id: `id-${i + 1}`, key: `ENG-${i + 1}`, title: "", url: "" }));

  it("reads 50 stories per request, and leaves a story whose sub-issues do not all fit to its own read", async () => {
    api.graphql(
      "Stories",
      data({ data: { issues: { nodes: items.slice(0, 50).map((item, i) => nodeFor(i + 1, i === 2)) } } }),
      data({ data: { issues: { nodes: items.slice(50).map((item, i) => nodeFor(51 + i)) } } }),
    );

    const stories = await tracker.readStories!(items);

    expect(api.operations()).toEqual(["Stories", "Stories"]);
    expect(api.variablesOf("Stories").map((v) => [v.first, (v.ids as string[]).length, v.labelName])).toEqual([
      [50, 50, "subtasks-bot"],
      [10, 10, "subtasks-bot"],
    ]);
    expect(stories).toHaveLength(59);
    expect(stories.map((story) => story.key)).not.toContain("ENG-3");
    const single = await readStory();
    // The same story as getStory reads it, but for the team context a batch does not carry.
    expect(stories.find((story) => story.id === "id-1")).toEqual({ ...single, id: "id-1", key: "ENG-1" });
  });
});

describe("Linear: reading a story", () => {
  it("reads a story with one request: text, labels, estimate, parent, team and children", async () => {
    const story = await readStory();

    expect(api.operations()).toEqual(["Story"]);
    expect(api.variablesOf("Story")).toEqual([{ id: "ENG-123", labelName: "subtasks-bot" }]);
    // A personal API key is sent as is, without "Bearer".
    expect(api.requests[0]?.headers.get("authorization")).toBe("lin_api_test_key");
    expect(story).toMatchObject({
      tracker: "linear",
      id: STORY_ID,
      key: "ENG-123",
      title: "Export orders as CSV",
      url: "https://linear.app/acme/issue/ENG-123/export-orders-as-csv",
      acceptanceCriteria: [],
      labels: ["Feature", "subtasks"],
      estimate: 5,
      parent: { key: "ENG-100", title: "Reporting", url: "https://linear.app/acme/issue/ENG-100/reporting" },
      team: { id: TEAM_ID, key: "ENG", name: "Engineering" },
      closed: false,
      isEpic: false,
    });
    expect(story.description).toContain("## Acceptance criteria\n- The export has one row per order");
  });

  it("tells bot-made children from a person's, and which ones a person touched", async () => {
    const story = await readStory();
    const marker = (code: string) => ({ runId: RUN_ID, code });
    expect(story.children.map(({ key, state, createdByBot, marker, touchedByPerson }) => ({ key, state, createdByBot, marker, touchedByPerson }))).toEqual([
      // Untouched, though Linear rewrote its bullets, escaped a hyphen and italicised the footer.
      { key: "ENG-124", state: "Backlog", createdByBot: true, marker: marker("ST1"), touchedByPerson: false },
      { key: "ENG-125", state: "In Progress", createdByBot: true, marker: marker("ST2"), touchedByPerson: true },
      { key: "ENG-126", state: "Todo", createdByBot: true, marker: marker("ST3"), touchedByPerson: true },
      { key: "ENG-127", state: "Backlog", createdByBot: true, marker: marker("ST4"), touchedByPerson: true },
      { key: "ENG-128", state: "Todo", createdByBot: false, marker: null, touchedByPerson: true },
    ]);
  });

  it("a closed story is marked closed, and an issue whose sub-issues have sub-issues is an epic", async () => {
    const answer = fixture("linear/story-ENG-123.json");
    answer.data.issue.state = { name: "Done", type: "completed" };
    answer.data.issue.children.nodes[0].children.nodes = [{ id: "x" }];
    api.graphql("Story", data(answer));
    const story = await tracker.getStory(ref("ENG-123"));
    expect(story.closed).toBe(true);
    expect(story.isEpic).toBe(true);
  });

  it("a story that does not exist is StoryNotFound naming its key", async () => {
    api.graphql("Story", data(fixture("linear/error-entity-not-found.json")));
    const error = await tracker.getStory(ref("ENG-999")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoryNotFound);
    expect((error as Error).message).toBe("Linear has no issue ENG-999, or the bot's account cannot see it");
  });

  it("a refused API key is an auth error that names LINEAR_API_KEY", async () => {
    api.graphql("Story", { status: 401, body: fixture("linear/error-authentication.json") });
    const error = await tracker.getStory(ref("ENG-123")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerAuthFailed);
    expect((error as Error).message).toMatch(/check LINEAR_API_KEY/);
    expect(api.operations()).toEqual(["Story"]);
  });

  it("a forbidden answer is TrackerForbidden with Linear's own explanation", async () => {
    api.graphql("Story", { status: 400, body: fixture("linear/error-forbidden.json") });
    const error = await tracker.getStory(ref("ENG-123")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerForbidden);
    expect((error as Error).message).toBe(
      "Linear did not allow the bot to read ENG-123: You don't have permission to create issues in the team ENG.",
    );
  });

  it("a malformed answer is TrackerResponseInvalid, not a crash deeper in", async () => {
    const answer = fixture("linear/story-ENG-123.json");
    delete answer.data.issue.team;
    api.graphql("Story", data(answer));
    await expect(tracker.getStory(ref("ENG-123"))).rejects.toBeInstanceOf(TrackerResponseInvalid);
  });

  it("a project link cannot be read as a story", async () => {
    await expect(tracker.getStory(ref("8a3f9c2b1d4e", "project"))).rejects.toThrow(/Linear project, not a story/);
    expect(api.requests).toEqual([]);
  });
});

describe("Linear: rate limits and outages", () => {
  it("a 429 is retried after the Retry-After it gave, then succeeds", async () => {
    api.graphql(
      "Story",
      { status: 429, body: fixture("linear/error-ratelimited.json"), headers: { "Retry-After": "7" } },
      data(fixture("linear/story-ENG-123.json")),
    );
    const story = await tracker.getStory(ref("ENG-123"));
    expect(story.key).toBe("ENG-123");
    expect(waits).toEqual([7000]);
    expect(api.operations()).toEqual(["Story", "Story"]);
  });

  it("a RATELIMITED error is waited out until X-RateLimit-Requests-Reset", async () => {
    api.graphql(
      "Story",
      {
        status: 400,
        body: fixture("linear/error-ratelimited.json"),
        headers: { "X-RateLimit-Requests-Remaining": "0", "X-RateLimit-Requests-Reset": String(NOW + 12_000) },
      },
      data(fixture("linear/story-ENG-123.json")),
    );
    await tracker.getStory(ref("ENG-123"));
    expect(waits).toEqual([12_000]);
  });

  it("a reset given in seconds is read as seconds", async () => {
    api.graphql(
      "Story",
      {
        status: 400,
        body: fixture("linear/error-ratelimited.json"),
        headers: { "X-RateLimit-Requests-Remaining": "0", "X-RateLimit-Requests-Reset": String(NOW / 1000 + 3) },
      },
      data(fixture("linear/story-ENG-123.json")),
    );
    await tracker.getStory(ref("ENG-123"));
    expect(waits).toEqual([3000]);
  });

  it("still rate limited after four attempts is TrackerRateLimited, retryable, with the wait", async () => {
    const limited = { status: 429, body: fixture("linear/error-ratelimited.json"), headers: { "Retry-After": "2" } };
    api.graphql("Story", limited, limited, limited, limited);
    const error = await tracker.getStory(ref("ENG-123")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerRateLimited);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    expect(waits).toEqual([2000, 2000, 2000]);
  });

  it("an hourly budget that resets in 40 minutes is not waited for: TrackerRateLimited at once", async () => {
    api.graphql("Story", {
      status: 400,
      body: fixture("linear/error-ratelimited.json"),
      headers: { "X-RateLimit-Requests-Remaining": "0", "X-RateLimit-Requests-Reset": String(NOW + 40 * 60_000) },
    });
    await expect(tracker.getStory(ref("ENG-123"))).rejects.toMatchObject({ code: "tracker_rate_limited", retryAfterMs: 40 * 60_000 });
    expect(waits).toEqual([]);
  });

  it("a 502 is retried with back-off; a lasting network failure is TrackerUnavailable", async () => {
    api.graphql("Story", { status: 502, body: "bad gateway" }, data(fixture("linear/story-ENG-123.json")));
    await tracker.getStory(ref("ENG-123"));
    expect(waits).toEqual([500]);

    const reset = { networkError: "socket hang up" };
    api.graphql("Story", reset, reset, reset, reset);
    const error = await tracker.getStory(ref("ENG-123")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrackerUnavailable);
    expect(error).toMatchObject({ retryable: true });
    expect(waits).toEqual([500, 500, 1000, 2000]);
  });
});

describe("Linear: expanding an epic or a project", () => {
  it("an issue whose sub-issues are stories expands to them, page by page, capped at the limit", async () => {
    api.graphql("ExpandIssue", data(fixture("linear/expand-ENG-200-page-1.json")), data(fixture("linear/expand-ENG-200-page-2.json")));
    const expansion = await tracker.expand(ref("ENG-200"), { limit: 60 });

    expect(api.variablesOf("ExpandIssue")).toEqual([
      { id: "ENG-200", first: 50, after: null },
      { id: "ENG-200", first: 11, after: "cursor-page-2" },
    ]);
    expect(expansion.epic).toMatchObject({ key: "ENG-200", title: "Reporting overhaul" });
    expect(expansion.stories).toHaveLength(60);
    expect(expansion.stories[0]).toEqual({
      id: "b0000201-2222-4333-8444-555566667777",
      key: "ENG-201",
      title: "Story 1",
      url: "https://linear.app/acme/issue/ENG-201",
    });
    expect(expansion.stories.at(-1)?.key).toBe("ENG-260");
    expect(expansion).toMatchObject({ capped: true, message: "ENG-200 has more than 60 stories; taking the first 60" });
  });

  it("the default cap is 50", async () => {
    api.graphql("ExpandIssue", data(fixture("linear/expand-ENG-200-page-1.json")), data(fixture("linear/expand-ENG-200-page-2.json")));
    const expansion = await tracker.expand(ref("ENG-200"));
    expect(expansion.stories).toHaveLength(50);
    expect(expansion.capped).toBe(true);
  });

  it("a plain story expands to itself", async () => {
    api.graphql("ExpandIssue", data(fixture("linear/expand-ENG-123.json")));
    expect(await tracker.expand(ref("ENG-123"))).toEqual({
      epic: null,
      stories: [{ id: STORY_ID, key: "ENG-123", title: "Export orders as CSV", url: "https://linear.app/acme/issue/ENG-123/export-orders-as-csv" }],
      capped: false,
    });
    expect(api.operations()).toEqual(["ExpandIssue"]);
  });

  it("a project link expands to the project's top-level issues, paginated", async () => {
    api.graphql("ProjectIssues", data(fixture("linear/project-issues-page-1.json")), data(fixture("linear/project-issues-page-2.json")));
    const expansion = await tracker.expand(ref("8a3f9c2b1d4e", "project"));
    expect(api.variablesOf("ProjectIssues")).toEqual([
      { id: "8a3f9c2b1d4e", first: 50, after: null },
      { id: "8a3f9c2b1d4e", first: 49, after: "project-cursor-2" },
    ]);
    expect(api.requests[0] && (api.requests[0].body as { query: string }).query).toContain("filter: { parent: { null: true } }");
    expect(expansion).toMatchObject({ epic: { key: "8a3f9c2b1d4e", title: "Q3 Reporting" }, capped: false });
    expect(expansion.stories.map((story) => story.key)).toEqual(["ENG-301", "ENG-302", "ENG-303", "ENG-304"]);
  });

  it("a project that does not exist is StoryNotFound naming the project", async () => {
    api.graphql("ProjectIssues", data(fixture("linear/error-entity-not-found.json")));
    await expect(tracker.expand(ref("nope", "project"))).rejects.toThrow("Linear has no project nope, or the bot's account cannot see it");
  });
});

describe("Linear: creating sub-issues", () => {
  it("read + create 5 + comment takes three requests: Story, CreateIssues, CreateComment", async () => {
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")));
    api.graphql("CreateComment", data(fixture("linear/create-comment.json")));
    const story = await readStory();
    const result = await tracker.createSubtasks(story, subtasks);
    await tracker.comment(story, "Created 5 sub-issues.");

    expect(api.operations()).toEqual(["Story", "CreateIssues", "CreateComment"]);
    const [{ input }] = api.variablesOf("CreateIssues") as [{ input: { issues: Record<string, unknown>[] } }];
    expect(input.issues).toHaveLength(5);
    expect(input.issues[0]).toEqual({
      id: subtasks[0]?.clientId,
      teamId: TEAM_ID,
      parentId: STORY_ID,
      title: "Add the order export endpoint",
      description: `Do part 1 of the export.\n\n---\n\nCreated by subtasks-bot · run ${RUN_ID} · ST1 · ref sb1-${contentHash("Add the order export endpoint", "Do part 1 of the export.")}`,
      labelIds: [BOT_LABEL_ID],
      stateId: BACKLOG_STATE_ID,
      estimate: 1,
    });
    // The team uses Fibonacci points: XS S M L → 1 2 3 5; no effort, no estimate.
    expect(input.issues.map((issue) => issue.estimate)).toEqual([1, 2, 3, 5, undefined]);
    expect(result.failed).toEqual([]);
    expect(result.created).toEqual(
      created.map((issue, index) => ({
        id: issue.id,
        key: `ENG-${130 + index}`,
        title: issue.title,
        url: `https://linear.app/acme/issue/ENG-${130 + index}`,
        code: `ST${index + 1}`,
      })),
    );
    expect(api.variablesOf("CreateComment")).toEqual([
      { input: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), issueId: STORY_ID, body: "Created 5 sub-issues." } },
    ]);
  });

  /** An adapter that has read nothing yet, beside the one that read the story. */
  const freshTracker = () =>
    createLinearTracker({
      config: { apiKey: "lin_api_test_key", apiUrl: LINEAR_API_URL, webhookSecret: undefined },
      logger: silentLogger,
      sleep: async () => {},
      now: () => NOW,
    });

  it("without a read first, the team's settings are asked once and remembered", async () => {
    const story = await readStory();
    const fresh = freshTracker();
    api.graphql("TeamContext", data(fixture("linear/team-context-ENG.json")));
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")), data(fixture("linear/create-issues.json")));
    await fresh.createSubtasks(story, subtasks);
    await fresh.createSubtasks(story, subtasks);
    expect(api.operations()).toEqual(["Story", "TeamContext", "CreateIssues", "CreateIssues"]);
    expect(api.variablesOf("TeamContext")).toEqual([{ teamId: TEAM_ID, labelName: "subtasks-bot" }]);
  });

  it("stories of one team that start together share one request for the team's settings", async () => {
    const story = await readStory();
    const fresh = freshTracker();
    api.graphql("TeamContext", data(fixture("linear/team-context-ENG.json")));
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")), data(fixture("linear/create-issues.json")));
    await Promise.all([fresh.createSubtasks(story, subtasks), fresh.createSubtasks(story, subtasks)]);
    expect(api.operations().filter((operation) => operation === "TeamContext")).toHaveLength(1);
  });

  it("a team without the subtasks-bot label gets it created once, as a team label", async () => {
    api.graphql("Story", data(fixture("linear/story-ENG-123-no-bot-label.json")));
    api.graphql("CreateLabel", data(fixture("linear/create-label.json")));
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")), data(fixture("linear/create-issues.json")));
    const story = await tracker.getStory(ref("ENG-123"));
    await tracker.createSubtasks(story, subtasks);
    await tracker.createSubtasks(story, subtasks);

    expect(api.operations()).toEqual(["Story", "CreateLabel", "CreateIssues", "CreateIssues"]);
    expect(api.variablesOf("CreateLabel")).toEqual([
      { input: { name: "subtasks-bot", teamId: TEAM_ID, description: "Sub-issues created by subtasks-bot" } },
    ]);
    const labelIds = api.variablesOf("CreateIssues").map((variables) => variables.input.issues[0].labelIds);
    expect(labelIds).toEqual([["e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b"], ["e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b"]]);
  });

  it("a label another run created a moment before is found again instead of failing", async () => {
    api.graphql("Story", data(fixture("linear/story-ENG-123-no-bot-label.json")));
    api.graphql("CreateLabel", { status: 400, body: fixture("linear/error-duplicate-label.json") });
    api.graphql("TeamContext", data(fixture("linear/team-context-ENG.json")));
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")));
    await tracker.createSubtasks(await tracker.getStory(ref("ENG-123")), subtasks);
    expect(api.operations()).toEqual(["Story", "CreateLabel", "TeamContext", "CreateIssues"]);
    expect(api.variablesOf("CreateIssues")[0]?.input.issues[0].labelIds).toEqual([BOT_LABEL_ID]);
  });

  it("when the bot may not create its label, sub-issues are created without it (the footer still marks them)", async () => {
    api.graphql("Story", data(fixture("linear/story-ENG-123-no-bot-label.json")));
    api.graphql("CreateLabel", { status: 400, body: fixture("linear/error-forbidden.json") });
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")));
    const story = await tracker.getStory(ref("ENG-123"));
    const result = await tracker.createSubtasks(story, subtasks);
    const [{ input }] = api.variablesOf("CreateIssues") as [{ input: { issues: Record<string, unknown>[] } }];
    expect(input.issues.every((issue) => !("labelIds" in issue))).toBe(true);
    expect(input.issues[0]?.description).toMatch(/Created by subtasks-bot · run .* · ST1 · ref sb1-[0-9a-f]{8}$/);
    expect(result.created).toHaveLength(5);
  });

  it("a team that does not use estimates gets none", async () => {
    const answer = fixture("linear/story-ENG-123.json");
    answer.data.issue.team.issueEstimationType = "notUsed";
    api.graphql("Story", data(answer));
    api.graphql("CreateIssues", data(fixture("linear/create-issues.json")));
    const story = await tracker.getStory(ref("ENG-123"));
    await tracker.createSubtasks(story, subtasks);
    const [{ input }] = api.variablesOf("CreateIssues") as [{ input: { issues: Record<string, unknown>[] } }];
    expect(input.issues.every((issue) => !("estimate" in issue))).toBe(true);
  });

  it("one item failing: the refused batch is taken apart, and the other four are created and kept", async () => {
    const failingId = subtasks[2]?.clientId;
    api.graphql("CreateIssues", { status: 400, body: fixture("linear/error-invalid-input.json") });
    api.graphql("IssuesById", data(fixture("linear/issues-by-id-none.json")), data(fixture("linear/issues-by-id-none.json")));
    const perItem = (request: { body: unknown }) => {
      const id = (request.body as { variables: { input: { id: string } } }).variables.input.id;
      if (id === failingId) return { status: 400, body: fixture("linear/error-invalid-input.json") };
      const index = created.findIndex((issue) => issue.id === id);
      return data(fixture(`linear/create-issue-ENG-${130 + index}.json`));
    };
    api.graphql("CreateIssue", perItem, perItem, perItem, perItem, perItem);
    const story = await readStory();
    const result = await tracker.createSubtasks(story, subtasks);

    expect(api.operations()).toEqual(["Story", "CreateIssues", "IssuesById", "CreateIssue", "CreateIssue", "CreateIssue", "CreateIssue", "CreateIssue", "IssuesById"]);
    expect(api.variablesOf("IssuesById")).toEqual([
      { ids: created.map((issue) => issue.id), first: 5 },
      { ids: [failingId], first: 1 },
    ]);
    expect(api.variablesOf("CreateIssue").map((variables) => variables.input.id).sort()).toEqual(created.map((issue) => issue.id).sort());
    expect(result.created.map((item) => item.code)).toEqual(["ST1", "ST2", "ST4", "ST5"]);
    expect(result.failed).toEqual([
      {
        ref: "ST3",
        error: "Linear refused to create the sub-issue ST3 of ENG-123: title must be shorter than or equal to 255 characters",
      },
    ]);
  });

  it("a repeated create with the same client ids returns the issues made the first time and makes none", async () => {
    api.graphql("CreateIssues", { status: 400, body: fixture("linear/error-id-exists.json") });
    api.graphql("IssuesById", data(fixture("linear/issues-by-id-all.json")));
    const story = await readStory();
    const result = await tracker.createSubtasks(story, subtasks);

    expect(api.operations()).toEqual(["Story", "CreateIssues", "IssuesById"]);
    expect(result.failed).toEqual([]);
    expect(result.created.map((item) => [item.code, item.key])).toEqual([
      ["ST1", "ENG-130"],
      ["ST2", "ENG-131"],
      ["ST3", "ENG-132"],
      ["ST4", "ENG-133"],
      ["ST5", "ENG-134"],
    ]);
  });

  it("a batch still rate limited after the retries creates nothing and throws TrackerRateLimited", async () => {
    const limited = { status: 429, body: fixture("linear/error-ratelimited.json"), headers: { "Retry-After": "1" } };
    api.graphql("CreateIssues", limited, limited, limited, limited);
    const story = await readStory();
    await expect(tracker.createSubtasks(story, subtasks)).rejects.toBeInstanceOf(TrackerRateLimited);
    expect(api.operations()).toEqual(["Story", "CreateIssues", "CreateIssues", "CreateIssues", "CreateIssues"]);
  });

  it("a client id that is not a UUID v4 is turned into a stable v4 id", () => {
    const v5 = "2ed6657d-e927-568b-95e1-2665a8aea6a2";
    const id = linearIssueId(v5);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(linearIssueId(v5)).toBe(id);
    expect(linearIssueId("0B6A8F5E-6A1C-4F0E-9D3A-2B8C6E1F4A01")).toBe("0b6a8f5e-6a1c-4f0e-9d3a-2b8c6e1f4a01");
  });
});

describe("Linear: deleting, commenting and labelling", () => {
  it("deletes each sub-issue; one already gone counts as deleted, a refused one is reported", async () => {
    const ids = ["e0000124-1111-4222-8333-444455556666", "e0000125-1111-4222-8333-444455556666", "e0000126-1111-4222-8333-444455556666"];
    api.graphql("IssueRelations", data({ data: { issues: { nodes: [] } } }));
    const reply = (request: { body: unknown }) => {
      const id = (request.body as { variables: { id: string } }).variables.id;
      if (id === ids[1]) return data(fixture("linear/error-entity-not-found.json"));
      if (id === ids[2]) return { status: 400, body: fixture("linear/error-forbidden.json") };
      return data(fixture("linear/delete-issue.json"));
    };
    api.graphql("DeleteIssue", reply, reply, reply);
    const result = await tracker.deleteSubtasks(ids);
    expect(api.variablesOf("IssueRelations")).toEqual([{ ids, first: 3 }]);
    expect(api.variablesOf("DeleteIssue").map((variables) => variables.id).sort()).toEqual([...ids].sort());
    expect(result.deleted).toEqual([ids[0], ids[1]]);
    expect(result.failed).toEqual([
      { ref: ids[2], error: `Linear did not allow the bot to delete ${ids[2]}: You don't have permission to create issues in the team ENG.` },
    ]);
  });

  it("deletes the relations of each sub-issue before the sub-issue, a relation between two of them once", async () => {
    // ENG-124 blocks ENG-125 (one relation, listed on both), and another issue blocks ENG-125.
    const ids = ["e0000124-1111-4222-8333-444455556666", "e0000125-1111-4222-8333-444455556666"];
    api.graphql("IssueRelations", data(fixture("linear/issue-relations.json")));
    api.graphql("DeleteIssueRelation", data(fixture("linear/delete-issue-relation.json")), data(fixture("linear/delete-issue-relation.json")));
    api.graphql("DeleteIssue", data(fixture("linear/delete-issue.json")), data(fixture("linear/delete-issue.json")));

    expect(await tracker.deleteSubtasks(ids)).toEqual({ deleted: ids, failed: [] });

    expect(api.variablesOf("DeleteIssueRelation").map((variables) => variables.id).sort()).toEqual(
      ["6b1f0c2e-93a4-4d57-8e21-0f4c7a9b3d18", "a4c9e1d7-2b58-4f03-9c6e-7d1b8a2f5e40"].sort(),
    );
    // Each issue only after its own relations are gone.
    const operations = api.operations();
    const order = (operation: string, id: string) =>
      api.requests.findIndex((request, index) => operations[index] === operation && (request.body as { variables: { id: string } }).variables.id === id);
    expect(order("DeleteIssue", ids[0]!)).toBeGreaterThan(order("DeleteIssueRelation", "6b1f0c2e-93a4-4d57-8e21-0f4c7a9b3d18"));
    expect(order("DeleteIssue", ids[1]!)).toBeGreaterThan(order("DeleteIssueRelation", "a4c9e1d7-2b58-4f03-9c6e-7d1b8a2f5e40"));
  });

  it("a sub-issue whose relations cannot be read is not deleted, and says why", async () => {
    const ids = ["e0000124-1111-4222-8333-444455556666"];
    api.graphql("IssueRelations", { status: 400, body: fixture("linear/error-forbidden.json") });
    const result = await tracker.deleteSubtasks(ids);
    expect(result.deleted).toEqual([]);
    expect(result.failed).toEqual([{ ref: ids[0], error: expect.stringContaining("Linear did not allow the bot to read the relations") }]);
    expect(api.operations()).toEqual(["IssueRelations"]);
  });

  it("comments in markdown on the story", async () => {
    api.graphql("CreateComment", data(fixture("linear/create-comment.json")));
    await tracker.comment({ id: STORY_ID, key: "ENG-123", title: "Export orders as CSV", url: "" }, "**Done**: 5 sub-issues");
    expect(api.variablesOf("CreateComment")).toEqual([
      { input: { id: expect.any(String), issueId: STORY_ID, body: "**Done**: 5 sub-issues" } },
    ]);
  });

  it("adds a label found by name, and creates it when the team has none", async () => {
    const summary = { id: STORY_ID, key: "ENG-123", title: "Export orders as CSV", url: "" };
    api.graphql("LabelLookup", data(fixture("linear/label-lookup-done.json")), data(fixture("linear/label-lookup-missing.json")));
    api.graphql("AddLabel", data(fixture("linear/add-label.json")), data(fixture("linear/add-label.json")));
    api.graphql("CreateLabel", data(fixture("linear/create-label.json")));
    await tracker.addLabel(summary, "subtasks:done");
    await tracker.addLabel(summary, "subtasks-bot");

    expect(api.operations()).toEqual(["LabelLookup", "AddLabel", "LabelLookup", "CreateLabel", "AddLabel"]);
    expect(api.variablesOf("LabelLookup")).toEqual([
      { issueId: STORY_ID, labelName: "subtasks:done" },
      { issueId: STORY_ID, labelName: "subtasks-bot" },
    ]);
    expect(api.variablesOf("AddLabel")).toEqual([
      { id: STORY_ID, labelId: "a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d" },
      { id: STORY_ID, labelId: "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b" },
    ]);
  });

  it("removes a label; one the team does not have needs no change", async () => {
    const story = await readStory();
    api.graphql("RemoveLabel", data(fixture("linear/remove-label.json")));
    await tracker.removeLabel(story, "subtasks-bot");
    api.graphql("TeamContext", data({ data: { ...fixture("linear/team-context-ENG.json").data, issueLabels: { nodes: [] } } }));
    await tracker.removeLabel(story, "never-made");

    // The bot label's id came with the story read; the unknown label was looked up and not found.
    expect(api.operations()).toEqual(["Story", "RemoveLabel", "TeamContext"]);
    expect(api.variablesOf("RemoveLabel")).toEqual([{ id: STORY_ID, labelId: BOT_LABEL_ID }]);
  });
});

describe("Linear: dependencies as blocks relations", () => {
  const [first, second, third] = created as unknown as [{ id: string }, { id: string }, { id: string }];
  const link = (blocker: { id: string }, blockerCode: string, blocked: { id: string }, blockedCode: string, clientId: string) => ({
    blocker: { code: blockerCode, id: blocker.id, key: `ENG-${blockerCode.slice(2)}` },
    blocked: { code: blockedCode, id: blocked.id, key: `ENG-${blockedCode.slice(2)}` },
    clientId,
  });
  const st1BlocksSt2 = link(first, "ST1", second, "ST2", "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  const st2BlocksSt3 = link(second, "ST2", third, "ST3", "9c4e1b7a-3d2f-5a60-8b19-4e7d2c0f6a35");

  it("makes a story's links in one request, one aliased issueRelationCreate each: the blocker as issueId, the blocked issue as relatedIssueId, type blocks, an id of the bot's", async () => {
    const relation = fixture("linear/create-issue-relation.json").data.issueRelationCreate;
    api.graphql("LinkBlocks", data({ data: { l0: relation, l1: relation } }));

    expect(await tracker.linkBlocks([st1BlocksSt2, st2BlocksSt3])).toEqual({ linked: [st1BlocksSt2, st2BlocksSt3], failed: [] });

    expect(api.operations()).toEqual(["LinkBlocks"]);
    expect(api.variablesOf("LinkBlocks")).toEqual([
      {
        l0: { id: linearIssueId(st1BlocksSt2.clientId), issueId: first.id, relatedIssueId: second.id, type: "blocks" },
        l1: { id: linearIssueId(st2BlocksSt3.clientId), issueId: second.id, relatedIssueId: third.id, type: "blocks" },
      },
    ]);
  });

  it("a single link is one issueRelationCreate", async () => {
    api.graphql("CreateIssueRelation", data(fixture("linear/create-issue-relation.json")));
    expect(await tracker.linkBlocks([st1BlocksSt2])).toEqual({ linked: [st1BlocksSt2], failed: [] });
    expect(api.variablesOf("CreateIssueRelation")).toEqual([
      { input: { id: linearIssueId(st1BlocksSt2.clientId), issueId: first.id, relatedIssueId: second.id, type: "blocks" } },
    ]);
  });

  it("a request refused in part (one link made before a crash) falls back to one by one, finding the made ones by their ids", async () => {
    const relation = fixture("linear/create-issue-relation.json").data.issueRelationCreate;
    const refusal = fixture("linear/error-id-exists.json");
    refusal.errors[0].path = ["l0"];
    api.graphql("LinkBlocks", data({ data: { l0: null, l1: relation }, errors: refusal.errors }));
    const exists = fixture("linear/error-id-exists.json");
    exists.errors[0].path = ["issueRelationCreate"];
    api.graphql("CreateIssueRelation", { status: 400, body: exists }, { status: 400, body: exists });
    const madeBefore = (link: typeof st1BlocksSt2) =>
      data({ data: { issueRelation: { id: linearIssueId(link.clientId), type: "blocks", issue: { id: link.blocker.id }, relatedIssue: { id: link.blocked.id } } } });
    const byId = (request: { body: unknown }) => madeBefore([st1BlocksSt2, st2BlocksSt3].find((link) => linearIssueId(link.clientId) === (request.body as any).variables.id)!);
    api.graphql("IssueRelation", byId, byId);

    expect(await tracker.linkBlocks([st1BlocksSt2, st2BlocksSt3])).toEqual({ linked: [st1BlocksSt2, st2BlocksSt3], failed: [] });
    expect(api.operations().filter((operation) => operation === "LinkBlocks")).toHaveLength(1);
  });

  it("a create refused because its id exists (made before a crash) is found by that id and reported linked", async () => {
    // Linear's refusal of an id that exists, as it answers for issues (error-id-exists.json).
    const refusal = fixture("linear/error-id-exists.json");
    refusal.errors[0].path = ["issueRelationCreate"];
    api.graphql("CreateIssueRelation", { status: 400, body: refusal });
    api.graphql("IssueRelation", data(fixture("linear/issue-relation.json")));

    expect(await tracker.linkBlocks([st1BlocksSt2])).toEqual({ linked: [st1BlocksSt2], failed: [] });

    expect(api.operations()).toEqual(["CreateIssueRelation", "IssueRelation"]);
    expect(api.variablesOf("IssueRelation")).toEqual([{ id: linearIssueId(st1BlocksSt2.clientId) }]);
  });

  it("a refused link that was not made earlier fails alone, with Linear's reason", async () => {
    api.graphql("LinkBlocks", data(fixture("linear/error-entity-not-found.json")));
    api.graphql("CreateIssueRelation", data(fixture("linear/error-entity-not-found.json")), data(fixture("linear/create-issue-relation.json")));
    const noRelation = fixture("linear/error-entity-not-found.json");
    noRelation.errors[0].message = "Entity not found: IssueRelation";
    noRelation.errors[0].path = ["issueRelation"];
    api.graphql("IssueRelation", data(noRelation));

    const result = await tracker.linkBlocks([st1BlocksSt2, st2BlocksSt3]);

    expect(result.linked).toEqual([st2BlocksSt3]);
    expect(result.failed).toEqual([{ ref: "ST1 blocks ST2", error: "Linear could not link ENG-1 as blocking ENG-2: Could not find referenced Issue." }]);
  });
});
