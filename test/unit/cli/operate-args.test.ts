import { describe, expect, it } from "vitest";
import { parseCliArgs, USAGE, UsageError } from "../../../src/cli/args.ts";

describe("subtasks setup and doctor on the command line", () => {
  it("reads setup <tracker> with the tracker's own scope option (--team for Linear, --project for Jira) and --dry-run", () => {
    expect(parseCliArgs(["setup", "linear"])).toEqual({ kind: "setup", tracker: "linear", scopes: [], dryRun: false });
    expect(parseCliArgs(["setup", "linear", "--team", "ENG", "--team=OPS,WEB", "--dry-run"])).toEqual({ kind: "setup", tracker: "linear", scopes: ["ENG", "OPS", "WEB"], dryRun: true });
    expect(parseCliArgs(["setup", "jira", "--project", "PROJ"])).toEqual({ kind: "setup", tracker: "jira", scopes: ["PROJ"], dryRun: false });
    expect(parseCliArgs(["doctor"])).toEqual({ kind: "doctor" });
  });

  it("refuses what it cannot act on, saying what works", () => {
    expect(() => parseCliArgs(["setup"])).toThrow(new UsageError("setup needs a tracker: subtasks setup linear, or subtasks setup jira"));
    expect(() => parseCliArgs(["setup", "slack"])).toThrow(UsageError);
    expect(() => parseCliArgs(["setup", "jira", "--team", "ENG"])).toThrow("unknown option --team (setup jira takes --project KEY and --dry-run)");
    expect(() => parseCliArgs(["setup", "linear", "--team"])).toThrow("--team needs a key, e.g. --team ENG");
    expect(() => parseCliArgs(["doctor", "--fix"])).toThrow("doctor takes no arguments");
  });

  it("lists them in the usage", () => {
    expect(USAGE).toContain("setup linear [--team KEY ...] [--dry-run]");
    expect(USAGE).toContain("setup jira [--project KEY ...] [--dry-run]");
    expect(USAGE).toContain("doctor ");
  });
});
