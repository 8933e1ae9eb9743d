import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startCore, stopStarted } from "../../support/app.ts";
import { linearRef, waitFor, waitForRun } from "../../support/runs.ts";

const fastRecovery = { heartbeatSeconds: 10, monitorIntervalSeconds: 1, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1 };

let db: TestDatabase;
let child: ChildProcess | undefined;

beforeEach(async () => {
  db = await migratedTestDatabase();
});

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await stopStarted();
  await db.destroy();
});

describe("crash resume", () => {
  it("a crash between the local save and the tracker create: the resumed job creates only the missing sub-issues", async () => {
    const tracker = new FakeTracker();
    tracker.addStory("ENG-1");
    const generator = new FakeGenerator({ count: 4 });
    // The first process dies after the tracker made two of the four sub-issues.
    let created = 0;
    tracker.afterItem = () => (++created === 2 ? new Promise<void>(() => undefined) : undefined);
    const first = await startCore({ db, trackers: { linear: tracker }, generator, queueTiming: fastRecovery });
    const started = await first.runs.startRun({ trigger: "CLI", refs: [linearRef("ENG-1")], requestedBy: "tester" });
    const runId = started.runId!;
    await waitFor(async () => tracker.stories.get("ENG-1")!.children.length === 2, 10_000, "two sub-issues");
    const saved = await db.prisma.subtask.findMany({ where: { runId } });
    expect(saved.map((s) => [s.code, s.trackerId])).toEqual([["ST1", null], ["ST2", null], ["ST3", null], ["ST4", null]]);
    expect(await db.prisma.runStory.findFirstOrThrow({ where: { runId } })).toMatchObject({ status: "SAVING" });

    await first.stop();
    tracker.afterItem = undefined;
    await startCore({ db, trackers: { linear: tracker }, generator, queueTiming: fastRecovery });

    expect(await waitForRun(db, runId, undefined, 30_000)).toBe("COMPLETED");
    expect(tracker.createdTitles.sort()).toEqual(["ENG-1: step 1", "ENG-1: step 2", "ENG-1: step 3", "ENG-1: step 4"]);
    expect(tracker.stories.get("ENG-1")!.children).toHaveLength(4);
    expect(generator.calls).toHaveLength(1);
    const rows = await db.prisma.subtask.findMany({ where: { runId }, orderBy: { code: "asc" } });
    expect(rows.every((row) => row.trackerId !== null)).toBe(true);
    expect(await db.prisma.runStory.findFirstOrThrow({ where: { runId } })).toMatchObject({ status: "COMPLETED", subtasksCreated: 4 });
    expect(tracker.stories.get("ENG-1")!.comments).toHaveLength(1);
  });

  it("a worker killed with SIGKILL mid-generation: a live process picks the story up well within 2 minutes", async () => {
    const script = fileURLToPath(new URL("../../support/crash-worker.ts", import.meta.url));
    child = spawn(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", script], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const output: string[] = [];
    const said = (line: string) => waitFor(async () => output.join("").includes(line), 20_000, `worker to say ${line}`);
    child.stdout!.on("data", (chunk) => output.push(String(chunk)));
    await said("ready");

    const tracker = new FakeTracker();
    tracker.addStory("ENG-1");
    const generator = new FakeGenerator();
    // This process enqueues only; the child does the work until it dies.
    const enqueuer = await startCore({ db, trackers: { linear: tracker }, generator, queueTiming: fastRecovery, work: false });
    const { runId } = (await enqueuer.runs.startRun({ trigger: "CLI", refs: [linearRef("ENG-1")], requestedBy: "tester" })) as { runId: string };
    await said("generating");

    child.kill("SIGKILL");
    await once(child, "exit");
    const killedAt = Date.now();
    await startCore({ db, trackers: { linear: tracker }, generator, queueTiming: fastRecovery });

    expect(await waitForRun(db, runId, undefined, 60_000)).toBe("COMPLETED");
    const recoveredInMs = Date.now() - killedAt;
    expect(recoveredInMs).toBeLessThan(120_000);
    const runStory = await db.prisma.runStory.findFirstOrThrow({ where: { runId } });
    expect(runStory).toMatchObject({ status: "COMPLETED", subtasksCreated: 3 });
    expect(generator.calls).toHaveLength(1);
    expect(tracker.createdTitles).toHaveLength(3);
    console.info(`kill -9 recovery: story resumed and completed ${Math.round(recoveredInMs / 1000)} s after the kill (heartbeat 10 s)`);
  }, 90_000);
});
