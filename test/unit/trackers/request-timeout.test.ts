import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { createJiraTracker } from "../../../src/trackers/jira/adapter.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import { silentLogger } from "../../support/logger.ts";

// A server that takes the request and never answers.
const never = () => new Promise<never>(() => undefined);

afterEach(() => {
  nock.cleanAll();
});

describe("a tracker that never answers", () => {
  it("Linear: the read fails as unavailable after the request timeout, retries included", async () => {
    const scope = nock("https://api.linear.app").post("/graphql").times(4).reply(never as never);
    const waits: number[] = [];
    const tracker = createLinearTracker({
      config: { apiKey: "lin_api_test_key", apiUrl: "https://api.linear.app/graphql", webhookSecret: undefined },
      logger: silentLogger,
      sleep: async (ms) => void waits.push(ms),
      requestTimeoutMs: 40,
    });
    const error = await tracker.getStory({ tracker: "linear", key: "ENG-1", kind: "issue", input: "ENG-1" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "tracker_unavailable", retryable: true });
    expect((error as Error).message).toContain("no answer within 0 s");
    expect(waits.length).toBeGreaterThan(0);
    scope.persist(false);
  });

  it("Jira: the read fails as unavailable after the request timeout", async () => {
    nock("https://acme.atlassian.net").get(/.*/).times(4).reply(never as never);
    const tracker = createJiraTracker({
      config: { baseUrl: "https://acme.atlassian.net", email: "bot@acme.example", apiToken: "jira-token-123", webhookSecret: undefined },
      logger: silentLogger,
      sleep: async () => undefined,
      requestTimeoutMs: 40,
    });
    const error = await tracker.getStory({ tracker: "jira", key: "PROJ-1", kind: "issue", input: "PROJ-1" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "tracker_unavailable", retryable: true });
  });
});
