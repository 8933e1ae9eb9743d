import { describe, expect, it } from "vitest";
import { parseCliArgs, UsageError } from "../../../src/cli/args.ts";

describe("subtasks settings", () => {
  it.each([
    [["settings", "show"], { kind: "settings-show" }],
    [["settings", "show", "ENG"], { kind: "settings-show", scope: "ENG" }],
    [
      ["settings", "set", "ENG", "--guidance-file", "dod.md", "--count", "adaptive", "--review", "on"],
      { kind: "settings-set", scope: "ENG", edit: { count: "adaptive", reviewByDefault: true }, guidanceFile: "dod.md" },
    ],
    [
      ["settings", "set", "jira:PROJ", "--labels", "backend, from-bot", "--effort-scale=hours", "--language", ""],
      { kind: "settings-set", scope: "jira:PROJ", edit: { extraLabels: ["backend", "from-bot"], effortScale: "hours", language: "" } },
    ],
    [["settings", "set", "default", "--review", ""], { kind: "settings-set", scope: "default", edit: { reviewByDefault: null } }],
  ])("%j", (argv, expected) => {
    expect(parseCliArgs(argv)).toEqual(expected);
  });

  it.each([
    [["settings"], 'settings needs "show" or "set"'],
    [["settings", "set", "ENG"], "changes nothing without an option"],
    [["settings", "set", "--review", "on"], "needs a scope first"],
    [["settings", "set", "ENG", "--review", "maybe"], "--review takes on, off"],
    [["settings", "set", "ENG", "--guidance", "a", "--guidance-file", "b"], "not both"],
    [["settings", "set", "ENG", "--owner", "me"], "unknown option --owner"],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it("generate takes an instruction, bounded", () => {
    expect(parseCliArgs(["generate", "ENG-1", "--instruction", "backend only"])).toEqual({ kind: "generate", what: "subtasks", refs: ["ENG-1"], dryRun: false, instruction: "backend only" });
    expect(() => parseCliArgs(["generate", "ENG-1", "--instruction", "x".repeat(1_001)])).toThrow("keep it under 1000");
  });
});
