import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateCommand, runsCommand, showCommand } from "../../../src/cli/commands.ts";
import { AppError } from "../../../src/errors/app-error.ts";
import { ErrorCode } from "../../../src/errors/codes.ts";
import type { RunService } from "../../../src/runs/service.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startCore, stopStarted } from "../../support/app.ts";
import { linearRef } from "../../support/runs.ts";
import { captureOutput } from "../../support/output.ts";

const bin = fileURLToPath(new URL("../../../bin/subtasks.js", import.meta.url));

let db: TestDatabase;
let runs: RunService;
let tracker: FakeTracker;
let generator: FakeGenerator;

beforeEach(async () => {
  db = await migratedTestDatabase();
  tracker = new FakeTracker();
  generator = new FakeGenerator();
  runs = (await startCore({ db, trackers: { linear: tracker }, generator })).runs;
});

afterEach(async () => {
  await stopStarted();
  await db.destroy();
});

describe("subtasks generate", () => {
  it("runs the stories end to end, prints a table and exits 0", async () => {
    tracker.addStory("ENG-1");
    tracker.addStory("ENG-2");
    const output = captureOutput();
    const code = await generateCommand({ runs, requestedBy: "ada", output, pollMs: 50 }, [linearRef("ENG-1"), linearRef("ENG-2")], { dryRun: false });
    expect(code).toBe(0);
    const table = output.stdout();
    expect(table).toMatch(/^story\s+status\s+subtasks\s+tokens\s+cost\s+note$/m);
    expect(table).toMatch(/^ENG-1\s+COMPLETED\s+3\s+2400\s+\$0\.0056\s*$/m);
    expect(table).toMatch(/^ENG-2\s+COMPLETED\s+3\s+2400\s+\$0\.0056\s*$/m);
    expect(table).toMatch(/run \w+: COMPLETED · 2 done, 0 failed, 0 skipped · 6 created, 0 deleted · 4800 tokens · ~\$0\.0112 \(estimate\)/);
    expect(output.stderr()).toContain("ENG-1: completed (3 subtasks)");
    expect(tracker.createdTitles).toHaveLength(6);
    const run = await db.prisma.run.findFirstOrThrow();
    expect(run).toMatchObject({ trigger: "CLI", requestedBy: "ada" });
  });

  it("with --instruction sends the instruction with every story and keeps it on each RunStory", async () => {
    tracker.addStory("ENG-1");
    tracker.addStory("ENG-2");
    const output = captureOutput();
    const code = await generateCommand({ runs, requestedBy: "ada", output, pollMs: 50 }, [linearRef("ENG-1"), linearRef("ENG-2")], { dryRun: true, instruction: "backend only" });
    expect(code).toBe(0);
    expect(generator.calls.map((context) => context.instructions)).toEqual([["backend only"], ["backend only"]]);
    expect((await db.prisma.runStory.findMany()).map((story) => story.instructions)).toEqual([["backend only"], ["backend only"]]);
  });

  it("with --dry-run prints the proposed subtasks and creates nothing", async () => {
    tracker.addStory("ENG-1", { title: "Export orders" });
    const output = captureOutput();
    const code = await generateCommand({ runs, requestedBy: "ada", output, pollMs: 50 }, [linearRef("ENG-1")], { dryRun: true, count: { min: 3, max: 3 } });
    expect(code).toBe(0);
    expect(output.stdout()).toContain("ENG-1 Export orders\n  ST1  ENG-1: step 1 (S)\n  ST2  ENG-1: step 2 (M)\n  ST3  ENG-1: step 3 (L)");
    expect(tracker.createdTitles).toEqual([]);
  });

  it("exits 1 when a story failed, and says why", async () => {
    tracker.addStory("ENG-1");
    tracker.addStory("ENG-2");
    generator.failFor = (context) => (context.key === "ENG-2" ? new AppError(ErrorCode.ModelRefused, "Claude declined to break down ENG-2") : undefined);
    const output = captureOutput();
    const code = await generateCommand({ runs, requestedBy: "ada", output, pollMs: 50 }, [linearRef("ENG-1"), linearRef("ENG-2")], { dryRun: false });
    expect(code).toBe(1);
    expect(output.stdout()).toMatch(/^ENG-2\s+FAILED\s+0\s+-\s+-\s+Claude declined to break down ENG-2$/m);
    expect(output.stdout()).toContain("PARTIAL");
  });
});

describe("subtasks runs and show", () => {
  it("list the latest runs and show one with its stories and subtasks", async () => {
    tracker.addStory("ENG-7", { title: "Invoice PDF" });
    const first = captureOutput();
    await generateCommand({ runs, requestedBy: "ada", output: first, pollMs: 50 }, [linearRef("ENG-7")], { dryRun: false });
    const run = await db.prisma.run.findFirstOrThrow();

    const listed = captureOutput();
    expect(await runsCommand(runs, 5, listed)).toBe(0);
    expect(listed.stdout()).toMatch(new RegExp(`^${run.id}\\s+\\S+ \\S+\\s+subtasks\\s+COMPLETED\\s+cli\\s+ada\\s+ENG-7\\s+3 subtasks\\s+2400\\s+\\$0\\.0056$`, "m"));

    const shown = captureOutput();
    expect(await showCommand(runs, run.id, shown)).toBe(0);
    expect(shown.stdout()).toContain(`run ${run.id} · COMPLETED · cli by ada`);
    expect(shown.stdout()).toMatch(/ENG-7 Invoice PDF  https:\/\/tracker\.test\/issue\/ENG-7\n  ST1  ENG-\d+  ENG-7: step 1 \(S\)/);

    const missing = captureOutput();
    expect(await showCommand(runs, "nope", missing)).toBe(2);
    expect(missing.stderr()).toBe("subtasks: no run nope");
  });
});

describe("the subtasks executable", () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", bin, ...args], {
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: db.url, ...env },
      encoding: "utf8",
      timeout: 30_000,
    });

  it("exits 2 with usage on a bad command line", () => {
    const result = run(["generate", "--count", "zero", "ENG-1"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('subtasks: "zero" is not a count');
    expect(result.stderr).toContain("Usage: subtasks <command>");
  });

  it("exits 2 when no tracker is configured or a reference cannot work", () => {
    expect(run(["generate", "ENG-1"]).status).toBe(2);
    const junk = run(["generate", "not a key"], { LINEAR_API_KEY: "lin_api_x" });
    expect(junk.status).toBe(2);
    expect(junk.stderr).toContain('"not a key" is not an issue key or a link');
  });

  it("lists runs from the database", () => {
    const result = run(["runs", "--limit", "3"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("no runs yet\n");
    expect(result.status).toBe(0);
  });
});
