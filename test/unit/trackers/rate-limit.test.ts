// The bot slows down before a tracker refuses it: each adapter reads the rate-limit headers of
// every answer and tells its workspace's budget how much of the window is left (a pace once
// less than a fifth is), or that it was refused and for how long.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CallBudget, CallOutcome } from "../../../src/budget/call-budget.ts";
import { createJiraTracker } from "../../../src/trackers/jira/adapter.ts";
import { jiraHeadroom, jiraRetryAfterMs } from "../../../src/trackers/jira/rate-limit.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import { linearHeadroom, linearRetryAfterMs } from "../../../src/trackers/linear/rate-limit.ts";
import { silentLogger } from "../../support/logger.ts";
import { fixture } from "./support/fixtures.ts";
import { JIRA_BASE_URL, json, playJira, type JiraApi } from "./support/jira-api.ts";
import { data, LINEAR_API_URL, playLinear, type LinearApi } from "./support/linear-api.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");

/** A budget that lets every call through and keeps what each call's release said. */
function recordingBudget(): CallBudget & { outcomes: CallOutcome[] } {
  const outcomes: CallOutcome[] = [];
  return {
    outcomes,
    acquire: async () => ({ release: async (outcome) => void outcomes.push(outcome) }),
    close: async () => undefined,
  };
}

describe("Linear's rate-limit headers", () => {
  it("reads the requests and complexity budgets, with resets in ms or s", () => {
    const headers = new Headers({
      "x-ratelimit-requests-limit": "5000",
      "x-ratelimit-requests-remaining": "312",
      "x-ratelimit-requests-reset": String(NOW + 90_000),
      "x-ratelimit-complexity-limit": "3000000",
      "x-ratelimit-complexity-remaining": "2500000",
      "x-ratelimit-complexity-reset": String((NOW + 30_000) / 1000),
    });
    expect(linearHeadroom(headers, NOW)).toEqual([
      { limit: 5000, remaining: 312, resetInMs: 90_000, refill: "continuous" },
      { limit: 3_000_000, remaining: 2_500_000, resetInMs: 30_000, refill: "continuous" },
    ]);
  });

  it("leaves out a budget described in part", () => {
    expect(linearHeadroom(new Headers({ "x-ratelimit-requests-remaining": "3" }), NOW)).toEqual([]);
    expect(linearHeadroom(undefined, NOW)).toEqual([]);
  });

  it("waits for Retry-After, else for the reset of the budget that ran out", () => {
    expect(linearRetryAfterMs(new Headers({ "retry-after": "7" }), NOW)).toBe(7_000);
    const spent = new Headers({
      "x-ratelimit-requests-remaining": "0",
      "x-ratelimit-requests-reset": String(NOW + 40_000),
      "x-ratelimit-complexity-remaining": "900",
      "x-ratelimit-complexity-reset": String(NOW + 900_000),
    });
    expect(linearRetryAfterMs(spent, NOW)).toBe(40_000);
  });
});

describe("Jira's rate-limit headers", () => {
  it("reads the window with its ISO 8601 reset", () => {
    const headers = new Headers({ "x-ratelimit-limit": "100", "x-ratelimit-remaining": "9", "x-ratelimit-reset": "2026-11-26T12:00:20Z" });
    expect(jiraHeadroom(headers, NOW)).toEqual([{ limit: 100, remaining: 9, resetInMs: 20_000, refill: "window" }]);
    expect(jiraHeadroom(new Headers({ "x-ratelimit-remaining": "9" }), NOW)).toEqual([]);
  });

  it("waits for Retry-After, else until the reset", () => {
    expect(jiraRetryAfterMs(new Headers({ "retry-after": "3" }), NOW)).toBe(3_000);
    expect(jiraRetryAfterMs(new Headers({ "x-ratelimit-reset": "2026-11-26T12:00:05Z" }), NOW)).toBe(5_000);
  });
});

const story = { id: "issue-1", key: "ENG-1", title: "Export", url: "https://linear.app/acme/issue/ENG-1" };

describe("the Linear adapter tells its workspace's budget", () => {
  let api: LinearApi;
  let budget: ReturnType<typeof recordingBudget>;
  const waits: number[] = [];

  beforeEach(() => {
    api = playLinear();
    budget = recordingBudget();
    waits.length = 0;
  });
  afterEach(() => {
    expect(api.unexpected).toEqual([]);
    api.stop();
  });

  const tracker = () =>
    createLinearTracker({
      config: { apiKey: "lin_api_test_key", apiUrl: LINEAR_API_URL, webhookSecret: undefined },
      logger: silentLogger,
      sleep: async (ms) => void waits.push(ms),
      now: () => NOW,
      budget,
    });

  it("to pace itself when the answer says less than a fifth of the hour's requests is left", async () => {
    // 200 of 5000 left, full again in 55 min 18 s: the bucket refills one request every 0.69 s,
    // and 4/5 of the way below the mark the bot goes 1.8 × slower than that.
    const low = { "x-ratelimit-requests-limit": "5000", "x-ratelimit-requests-remaining": "200", "x-ratelimit-requests-reset": String(NOW + 3_318_000) };
    const plenty = { ...low, "x-ratelimit-requests-remaining": "4000" };
    api.graphql("CreateComment", { ...data(fixture("linear/create-comment.json")), headers: plenty }, { ...data(fixture("linear/create-comment.json")), headers: low });
    await tracker().comment(story, "first");
    await tracker().comment(story, "second");
    expect(budget.outcomes).toEqual([
      { kind: "ok", paceMs: 0 },
      { kind: "ok", paceMs: 1_245 },
    ]);
  });

  it("that it was refused, and for how long, when Linear answers RATELIMITED", async () => {
    api.graphql(
      "CreateComment",
      {
        status: 400,
        body: { errors: [{ message: "Rate limit exceeded", extensions: { code: "RATELIMITED" } }] },
        headers: { "x-ratelimit-requests-limit": "5000", "x-ratelimit-requests-remaining": "0", "x-ratelimit-requests-reset": String(NOW + 30_000) },
      },
      data(fixture("linear/create-comment.json")),
    );
    await tracker().comment(story, "after a wait");
    expect(budget.outcomes[0]).toEqual({ kind: "refused", retryAfterMs: 30_000 });
    expect(budget.outcomes[1]).toMatchObject({ kind: "ok" });
    expect(waits).toEqual([30_000]);
  });
});

describe("the Jira adapter tells its site's budget", () => {
  let api: JiraApi;
  let budget: ReturnType<typeof recordingBudget>;
  const ISSUE = "/rest/api/3/issue/PROJ-42";
  const jiraStory = { id: "10042", key: "PROJ-42", title: "Export", url: `${JIRA_BASE_URL}/browse/PROJ-42` };

  beforeEach(() => {
    api = playJira();
    budget = recordingBudget();
  });
  afterEach(() => {
    expect(api.unexpected).toEqual([]);
    api.stop();
  });

  const tracker = () =>
    createJiraTracker({
      config: { baseUrl: JIRA_BASE_URL, email: "bot@acme.example", apiToken: "jira-token-123", webhookSecret: undefined },
      logger: silentLogger,
      sleep: async () => undefined,
      now: () => NOW,
      budget,
    });

  it("to pace itself when the window is running low, and that a 429 refused it for Retry-After", async () => {
    // 10 of 100 left until the reset in 20 s: one request every 2 s.
    const created = json(fixture("jira/comment-created.json"), 201);
    api.route(
      "POST",
      `${ISSUE}/comment`,
      { status: 429, body: { errorMessages: ["Rate limit exceeded."] }, headers: { "retry-after": "4", "ratelimit-reason": "jira-burst-based" } },
      { ...created, headers: { "x-ratelimit-limit": "100", "x-ratelimit-remaining": "10", "x-ratelimit-reset": "2026-11-26T12:00:20Z" } },
    );
    await tracker().comment(jiraStory, "Created 3 sub-tasks.");
    expect(budget.outcomes).toEqual([
      { kind: "refused", retryAfterMs: 4_000 },
      { kind: "ok", paceMs: 2_000 },
    ]);
  });
});
