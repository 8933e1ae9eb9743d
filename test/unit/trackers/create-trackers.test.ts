import { describe, expect, it } from "vitest";
import { createTrackers } from "../../../src/trackers/create-trackers.ts";
import { silentLogger } from "../../support/logger.ts";

const linear = { apiKey: "lin_api_x", apiUrl: "https://api.linear.app/graphql", webhookSecret: undefined };
const jira = { baseUrl: "https://acme.atlassian.net", email: "bot@acme.example", apiToken: "t", webhookSecret: undefined };

describe("createTrackers builds only the configured trackers", () => {
  it.each([
    [{ linear, jira }, ["jira", "linear"]],
    [{ linear, jira: null }, ["linear"]],
    [{ linear: null, jira }, ["jira"]],
    [{ linear: null, jira: null }, []],
  ])("%#", (config, names) => {
    const trackers = createTrackers({ configs: config, logger: silentLogger });
    expect(Object.keys(trackers).sort()).toEqual(names);
    for (const [name, tracker] of Object.entries(trackers)) expect(tracker?.name).toBe(name);
  });
});
