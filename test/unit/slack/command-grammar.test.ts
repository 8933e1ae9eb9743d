import { describe, expect, it } from "vitest";
import { parseCommand, tokenize, type SubtasksCommand } from "../../../src/slack/command-grammar.ts";
import type { ParseRefOptions } from "../../../src/trackers/parse-ref.ts";

const linearOnly: ParseRefOptions = { configured: ["linear"] };
const both: ParseRefOptions = { configured: ["linear", "jira"], defaultTracker: "linear", siteUrls: { jira: "https://acme.atlassian.net" } };

const issue = (tracker: "linear" | "jira", key: string, input = key) => ({ tracker, key, kind: "issue", input });
const run = (refs: object[], options: object = {}): SubtasksCommand => ({ kind: "run", refs: refs as never, options });
const invalid = (...fragments: string[]) => ({ kind: "invalid", problems: fragments.map((f) => expect.stringContaining(f)) });

describe("the /subtasks grammar", () => {
  const table: [string, ParseRefOptions, unknown][] = [
    // help
    ["", linearOnly, { kind: "help" }],
    ["   ", linearOnly, { kind: "help" }],
    ["help", linearOnly, { kind: "help" }],
    ["HELP me", linearOnly, { kind: "help" }],
    ["--help", linearOnly, { kind: "help" }],
    // status
    ["status", linearOnly, { kind: "status" }],
    ["status cmwvwv6en000qla7dobbqezj2", linearOnly, { kind: "status", runId: "cmwvwv6en000qla7dobbqezj2" }],
    ["status `cmwvwv6en000qla7dobbqezj2`", linearOnly, { kind: "status", runId: "cmwvwv6en000qla7dobbqezj2" }],
    ["status a b", linearOnly, invalid("status takes at most one run id")],
    ["status <!channel>", linearOnly, invalid("status takes at most one run id")],
    // keys
    ["ENG-123", linearOnly, run([issue("linear", "ENG-123")])],
    ["eng-123", linearOnly, run([issue("linear", "ENG-123", "eng-123")])],
    ["ENG-1 ENG-2", linearOnly, run([issue("linear", "ENG-1"), issue("linear", "ENG-2")])],
    ["ENG-1, ENG-2,ENG-3", linearOnly, run([issue("linear", "ENG-1"), issue("linear", "ENG-2"), issue("linear", "ENG-3")])],
    ["ENG-1 eng-1 ENG-1", linearOnly, run([issue("linear", "ENG-1")])],
    // an epic is a key like any other: the run expands it
    ["ENG-100 --count 3-6", linearOnly, run([issue("linear", "ENG-100")], { count: { min: 3, max: 6 } })],
    // links
    ["https://linear.app/acme/issue/ENG-123/export-orders", linearOnly, run([issue("linear", "ENG-123", "https://linear.app/acme/issue/ENG-123/export-orders")])],
    [
      "<https://linear.app/acme/issue/ENG-123/export-orders|ENG-123 Export orders>",
      linearOnly,
      run([issue("linear", "ENG-123", "<https://linear.app/acme/issue/ENG-123/export-orders|ENG-123 Export orders>")]),
    ],
    [
      "https://linear.app/acme/project/q3-reporting-5b2a9c1d7e3f/overview --dry-run",
      linearOnly,
      run([{ tracker: "linear", key: "5b2a9c1d7e3f", kind: "project", input: "https://linear.app/acme/project/q3-reporting-5b2a9c1d7e3f/overview" }], { dryRun: true }),
    ],
    ["https://acme.atlassian.net/browse/PROJ-42", both, run([issue("jira", "PROJ-42", "https://acme.atlassian.net/browse/PROJ-42")])],
    ["https://acme.atlassian.net/browse/PROJ-42", linearOnly, invalid("That is a Jira link, but Jira is not configured")],
    ["https://other.atlassian.net/browse/PROJ-42", both, invalid("bot is connected to Jira at acme.atlassian.net")],
    ["PROJ-42", both, run([issue("linear", "PROJ-42")])],
    ["ENG-1", { configured: [] }, invalid("No tracker is configured")],
    // options
    ["ENG-1 --dry-run", linearOnly, run([issue("linear", "ENG-1")], { dryRun: true })],
    ["ENG-1 —dry-run", linearOnly, run([issue("linear", "ENG-1")], { dryRun: true })],
    ["--review ENG-1", linearOnly, run([issue("linear", "ENG-1")], { review: true })],
    ["ENG-1 --count=5", linearOnly, run([issue("linear", "ENG-1")], { count: { min: 5, max: 5 } })],
    ["ENG-1 --count 4–8", linearOnly, run([issue("linear", "ENG-1")], { count: { min: 4, max: 8 } })],
    ["ENG-1 --COUNT 2-3 --Review", linearOnly, run([issue("linear", "ENG-1")], { count: { min: 2, max: 3 }, review: true })],
    ["ENG-1 --no-review", linearOnly, run([issue("linear", "ENG-1")], { review: false })],
    ["ENG-1 --count adaptive", linearOnly, run([issue("linear", "ENG-1")], { count: "adaptive" })],
    // instructions: text after the references, or quoted text anywhere
    ["ENG-123 --review backend only, no UI work", linearOnly, run([issue("linear", "ENG-123")], { review: true, instruction: "backend only, no UI work" })],
    ['ENG-123 "split the migration out"', linearOnly, run([issue("linear", "ENG-123")], { instruction: "split the migration out" })],
    ["ENG-123 “split the migration out” --dry-run", linearOnly, run([issue("linear", "ENG-123")], { dryRun: true, instruction: "split the migration out" })],
    ['"split the migration out" ENG-123', linearOnly, run([issue("linear", "ENG-123")], { instruction: "split the migration out" })],
    ["ENG-1, ENG-2 keep it small --count 2-3 and test-first", linearOnly, run([issue("linear", "ENG-1"), issue("linear", "ENG-2")], { count: { min: 2, max: 3 }, instruction: "keep it small and test-first" })],
    [
      "<https://linear.app/acme/issue/ENG-123/export|ENG-123 Export> focus on the CSV writer ENG-124",
      linearOnly,
      run([issue("linear", "ENG-123", "<https://linear.app/acme/issue/ENG-123/export|ENG-123 Export>")], { instruction: "focus on the CSV writer ENG-124" }),
    ],
    ["https://acme.atlassian.net/browse/PROJ-42 --no-review reuse the refund service", both, run([issue("jira", "PROJ-42", "https://acme.atlassian.net/browse/PROJ-42")], { review: false, instruction: "reuse the refund service" })],
    [`ENG-1 ${"x".repeat(1_001)}`, linearOnly, invalid("The instruction is 1,001 characters; keep it under 1,000.")],
    ["ENG-1 ENG-2x backend only", linearOnly, invalid('"ENG-2x" is not an issue key or a link')],
    ["ENG-1 --review --no-review", linearOnly, invalid("--review and --no-review do not go together")],
    // junk
    ["ENG-1 --count 0-20", linearOnly, invalid("--count: the count must stay within 1-15")],
    ["ENG-1 --count lots", linearOnly, invalid('--count: "lots" is not a count')],
    ["ENG-1 --count --dry-run", linearOnly, invalid("--count needs a range after it")],
    ["ENG-1 --force", linearOnly, invalid("--force is not an option I know. Options: --count 3-6, --dry-run, --review, --no-review.")],
    ["ENG-1 --dry-run --review", linearOnly, invalid("--dry-run and --review do not go together")],
    ["--dry-run", linearOnly, invalid("Tell me which stories to break down")],
    ["please do ENG-1", linearOnly, invalid('"please" is not an issue key', '"do" is not an issue key')],
    ["<!channel>", linearOnly, invalid("is not an issue key or a link")],
    ["https://github.com/acme/app/issues/3", linearOnly, invalid("github.com is not a Linear or Jira link")],
    ["https://linear.app/acme/settings", linearOnly, invalid("That Linear link is not an issue or a project")],
  ];

  it.each(table)("%j", (text, options, expected) => {
    expect(parseCommand(text, options)).toEqual(expected);
  });

  it("refuses more than 50 stories in one command, pointing at epics", () => {
    const text = Array.from({ length: 51 }, (_, i) => `ENG-${i + 1}`).join(" ");
    expect(parseCommand(text, linearOnly)).toEqual(invalid("one command takes at most 50"));
  });

  it("reports every problem at once", () => {
    const parsed = parseCommand("nope ENG-1 --wat --count 99", linearOnly);
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.problems).toHaveLength(3);
  });

  it("keeps a Slack-wrapped link with spaces in its label as one token", () => {
    expect(tokenize("<https://linear.app/a/issue/ENG-1|ENG-1 Export the orders> --review")).toEqual([
      "<https://linear.app/a/issue/ENG-1|ENG-1 Export the orders>",
      "--review",
    ]);
  });
});

describe("/subtasks stories", () => {
  const refOptions = { configured: ["linear", "jira"] as const, defaultTracker: "linear" as const };

  it("takes epics, the stories options and an instruction", () => {
    expect(parseCommand("stories ENG-100 PROJ-7 --count 4-8 --then-subtasks mobile first, no admin screens", refOptions as never)).toEqual({
      kind: "stories",
      refs: [
        { tracker: "linear", key: "ENG-100", kind: "issue", input: "ENG-100" },
        expect.objectContaining({ key: "PROJ-7", input: "PROJ-7" }),
      ],
      options: { count: { min: 4, max: 8 }, thenSubtasks: true, instruction: "mobile first, no admin screens" },
    });
  });

  it("says what is missing or does not go together", () => {
    expect(parseCommand("stories", refOptions as never)).toEqual({ kind: "invalid", problems: ["Tell me which epics to write stories for, for example: /subtasks stories ENG-100 --dry-run"] });
    expect(parseCommand("stories ENG-100 --dry-run --then-subtasks", refOptions as never)).toMatchObject({ kind: "invalid", problems: [expect.stringContaining("a dry run creates no stories")] });
    expect(parseCommand("ENG-100 --then-subtasks", refOptions as never)).toMatchObject({ kind: "invalid", problems: [expect.stringContaining("--then-subtasks is not an option I know")] });
  });
});
