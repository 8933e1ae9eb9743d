import { describe, expect, it } from "vitest";
import { parseCliArgs, UsageError } from "../../../src/cli/args.ts";
import { parseCountRange } from "../../../src/generation/count-range.ts";

describe("the command line", () => {
  it.each([
    [[], { kind: "help" }],
    [["help"], { kind: "help" }],
    [["--help"], { kind: "help" }],
    [["generate", "ENG-1"], { kind: "generate", what: "subtasks", refs: ["ENG-1"], dryRun: false }],
    [["generate", "ENG-1", "https://linear.app/acme/issue/ENG-2/x", "--dry-run"], { kind: "generate", what: "subtasks", refs: ["ENG-1", "https://linear.app/acme/issue/ENG-2/x"], dryRun: true }],
    [["generate", "--count", "3-8", "ENG-1"], { kind: "generate", what: "subtasks", refs: ["ENG-1"], dryRun: false, count: { min: 3, max: 8 } }],
    [["generate", "ENG-1", "--count=5"], { kind: "generate", what: "subtasks", refs: ["ENG-1"], dryRun: false, count: { min: 5, max: 5 } }],
    [["generate", "story.json", "--dry-run"], { kind: "generate-file", file: "story.json" }],
    [["stories", "ENG-100", "--dry-run"], { kind: "generate", what: "stories", refs: ["ENG-100"], dryRun: true }],
    [["stories", "PROJ-7", "--then-subtasks", "--count", "4-6"], { kind: "generate", what: "stories", refs: ["PROJ-7"], dryRun: false, count: { min: 4, max: 6 }, thenSubtasks: true }],
    [["runs"], { kind: "runs", limit: 10 }],
    [["runs", "--limit", "3"], { kind: "runs", limit: 3 }],
    [["show", "cmabc"], { kind: "show", runId: "cmabc" }],
  ])("%j is understood", (argv, command) => {
    expect(parseCliArgs(argv)).toEqual(command);
  });

  it.each([
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["generate"], "generate needs at least one story key, link or story file"],
    [["generate", "ENG-1", "--count"], "--count needs a value such as 3-8"],
    [["generate", "ENG-1", "--count", "9-3"], "the count range 9-3 starts above where it ends"],
    [["generate", "ENG-1", "--count", "2-40"], "the count must stay within 1-15 (got 2-40)"],
    [["generate", "ENG-1", "--force"], "unknown option --force"],
    [["generate", "story.json"], "a story file touches no tracker: add --dry-run"],
    [["generate", "story.json", "ENG-1", "--dry-run"], "generate takes one story file, on its own"],
    [["runs", "--limit", "0"], "--limit needs a number from 1 to 100"],
    [["show"], "show needs exactly one run id: subtasks show <runId>"],
  ])("%j is refused with a message saying what is wrong", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(new UsageError(message));
  });

  it("reads count ranges the way people write them", () => {
    expect(parseCountRange("3-6")).toEqual({ min: 3, max: 6 });
    expect(parseCountRange("3–6")).toEqual({ min: 3, max: 6 });
    expect(parseCountRange(" 4 ")).toEqual({ min: 4, max: 4 });
    expect(parseCountRange("three")).toEqual({ error: '"three" is not a count: use a range such as 3-6, or one number such as 5' });
    expect(parseCountRange("0-3")).toEqual({ error: "the count must stay within 1-15 (got 0-3)" });
  });
});
