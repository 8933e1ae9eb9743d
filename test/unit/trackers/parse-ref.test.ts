import { describe, expect, it } from "vitest";
import { BadReference } from "../../../src/trackers/errors.ts";
import { parseRef, type ParseRefOptions } from "../../../src/trackers/parse-ref.ts";

const both: ParseRefOptions = { configured: ["linear", "jira"], siteUrls: { jira: "https://acme.atlassian.net" } };
const bothWithDefault: ParseRefOptions = { ...both, defaultTracker: "jira" };
const linearOnly: ParseRefOptions = { configured: ["linear"] };
const jiraOnly: ParseRefOptions = { configured: ["jira"], siteUrls: { jira: "https://acme.atlassian.net" } };

describe("parseRef accepts keys and links", () => {
  it.each([
    ["ENG-123", linearOnly, { tracker: "linear", key: "ENG-123", kind: "issue" }],
    ["  eng-123 ", linearOnly, { tracker: "linear", key: "ENG-123", kind: "issue" }],
    ["PROJ-42", jiraOnly, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["MY_PROJ-7", jiraOnly, { tracker: "jira", key: "MY_PROJ-7", kind: "issue" }],
    ["PROJ-42", bothWithDefault, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["https://linear.app/acme/issue/ENG-123/export-orders-as-csv", both, { tracker: "linear", key: "ENG-123", kind: "issue" }],
    ["https://linear.app/acme/issue/eng-123", both, { tracker: "linear", key: "ENG-123", kind: "issue" }],
    ["https://linear.app/acme/project/q3-reporting-8a3f9c2b1d4e/overview", both, { tracker: "linear", key: "8a3f9c2b1d4e", kind: "project" }],
    ["https://acme.atlassian.net/browse/PROJ-42", both, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["https://acme.atlassian.net/jira/software/projects/PROJ/boards/1?selectedIssue=PROJ-42", both, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["https://acme.atlassian.net/jira/software/c/projects/PROJ/boards/1/backlog?selectedIssue=proj-42", both, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["https://acme.atlassian.net/jira/software/c/projects/PROJ/issues/PROJ-42", both, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["<https://linear.app/acme/issue/ENG-123/export|ENG-123 Export orders>", both, { tracker: "linear", key: "ENG-123", kind: "issue" }],
    ["<https://acme.atlassian.net/browse/PROJ-42>", both, { tracker: "jira", key: "PROJ-42", kind: "issue" }],
    ["https://jira.acme.example/browse/OPS-9", { configured: ["jira"], siteUrls: { jira: "https://jira.acme.example" } }, { tracker: "jira", key: "OPS-9", kind: "issue" }],
  ] as const)("%s → %o", (input, options, expected) => {
    expect(parseRef(input, options)).toEqual({ ...expected, input: input.trim() });
  });
});

describe("parseRef refuses what it cannot use, saying what would work", () => {
  it.each([
    ["", linearOnly, /Nothing to look up.*ENG-123/],
    ["hello", linearOnly, /"hello" is not an issue key or a link.*ENG-123/],
    ["ENG-0", linearOnly, /not an issue key/],
    ["123", linearOnly, /not an issue key/],
    ["ENG 123", linearOnly, /not an issue key/],
    ["https://github.com/acme/app/issues/1", both, /github.com is not a Linear or Jira link/],
    ["https://linear.app/acme/view/my-view", both, /Linear link is not an issue or a project/],
    ["https://acme.atlassian.net/jira/your-work", both, /does not point at one issue/],
    ["ftp://acme.atlassian.net/browse/PROJ-42", both, /not an issue key or a link/],
    // Malformed percent-escapes (found by fuzzing): a refusal, not a URIError.
    ["https://linear.app/acme/issue/ENG-1%", both, /Linear link is not an issue or a project/],
    ["https://linear.app/acme/project/launch-%E0%A4%A", both, /Linear link is not an issue or a project/],
    ["https://acme.atlassian.net/browse/PROJ-1%", both, /does not point at one issue/],
  ] as const)("%j is a BadReference", (input, options, message) => {
    const attempt = () => parseRef(input, options);
    expect(attempt).toThrow(BadReference);
    expect(attempt).toThrow(message);
  });

  it("a link to a tracker that is not configured says which one and how to configure it", () => {
    expect(() => parseRef("https://acme.atlassian.net/browse/PROJ-42", linearOnly)).toThrow(
      "That is a Jira link, but Jira is not configured: set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN.",
    );
    expect(() => parseRef("https://linear.app/acme/issue/ENG-1", jiraOnly)).toThrow(
      "That is a Linear link, but Linear is not configured: set LINEAR_API_KEY.",
    );
  });

  it("a bare key with two trackers and no DEFAULT_TRACKER asks for a link or DEFAULT_TRACKER", () => {
    expect(() => parseRef("ENG-123", both)).toThrow(
      "ENG-123 could be a Linear or a Jira issue. Paste the issue's link instead, or set DEFAULT_TRACKER to linear or jira.",
    );
  });

  it("a bare key with no tracker configured says how to configure one", () => {
    expect(() => parseRef("ENG-123", { configured: [] })).toThrow(/No tracker is configured.*LINEAR_API_KEY.*JIRA_BASE_URL/);
  });

  it("a link to another Atlassian site than the configured one is refused", () => {
    expect(() => parseRef("https://other.atlassian.net/browse/PROJ-42", both)).toThrow(
      "That link is to other.atlassian.net, but the bot is connected to Jira at acme.atlassian.net.",
    );
  });
});
