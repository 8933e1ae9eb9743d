// The spend guard end to end on the real server and queue: a story over a limit waits in PENDING
// with the limit and its reset in its Slack reply, on a delayed pg-boss job (in Postgres) that
// starts it when the period turns; /metrics and `/subtasks status` show what is spent and left.
import { afterEach, describe, expect, it } from "vitest";
import { utcDay, utcHour } from "../../../src/runs/spend-guard.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { REQUESTER, sendCommand, slackEnv } from "./support/slack-requests.ts";

let slack: PlayedSlack | undefined;

afterEach(async () => {
  await stopStarted();
  slack?.stop();
  slack = undefined;
});

async function start(env: Record<string, string>): Promise<{ app: TestApp; tracker: FakeTracker }> {
  slack = playSlack();
  const tracker = new FakeTracker();
  for (const key of ["ENG-1", "ENG-2", "ENG-3"]) tracker.addStory(key);
  // Each story costs 2,400 tokens and $0.0056 (FakeGenerator's accounting).
  const app = await startApp({ env: slackEnv({ LINEAR_API_KEY: "lin_api_test", ...env }), trackers: { linear: tracker }, generator: new FakeGenerator() });
  return { app, tracker };
}

async function runOf(app: TestApp, key: string, user = REQUESTER) {
  await sendCommand(app.baseUrl, key, { user_id: user, user_name: user.toLowerCase() });
  return app.db.prisma.run.findFirstOrThrow({ where: { refs: { has: key } } });
}

/** The pg-boss job a story waits on, as the queue holds it in Postgres. */
async function jobOf(app: TestApp, runStoryId: string) {
  const story = await app.db.prisma.runStory.findUniqueOrThrow({ where: { id: runStoryId } });
  const rows = await app.db.pool.query<{ state: string; start_after: Date }>("SELECT state, start_after FROM pgboss.job WHERE id = $1", [story.jobId]);
  return rows.rows[0];
}

async function waitingStory(app: TestApp, runId: string) {
  await waitFor(async () => (await app.db.prisma.runStory.findFirst({ where: { runId, status: "PENDING", errorMsg: { not: null } } })) !== null, 10_000, "the story to wait");
  return app.db.prisma.runStory.findFirstOrThrow({ where: { runId } });
}

describe("the spend guard", () => {
  it("TOKEN_BUDGET_DAILY: once today's tokens are spent a new story waits with the reason in Slack, and starts by itself when the day turns", async () => {
    const { app, tracker } = await start({ TOKEN_BUDGET_DAILY: "2000" });
    const first = await runOf(app, "ENG-1");
    expect(await waitForRun(app.db, first.id)).toBe("COMPLETED");

    const second = await runOf(app, "ENG-2");
    const story = await waitingStory(app, second.id);
    const midnight = utcDay(new Date()).resetsAt;
    expect(story.errorMsg).toBe(`waiting: today's token budget is spent (2,400 of 2,000 tokens, TOKEN_BUDGET_DAILY); starts by itself at ${midnight.toISOString().slice(0, 16).replace("T", " ")} UTC`);
    expect(story.startedAt).toBeNull();
    expect(tracker.countCalls("getStory", "ENG-2")).toBe(0);
    // The delayed job lives in Postgres, due a second after midnight UTC.
    const job = await jobOf(app, story.id);
    expect(job?.state).toBe("created");
    expect(job!.start_after.getTime() - midnight.getTime()).toBeGreaterThanOrEqual(1000);
    expect(job!.start_after.getTime() - midnight.getTime()).toBeLessThan(3000);

    // Slack: the story's reply says which limit and when it resets.
    await waitFor(async () => slack!.callsOf("chat.postMessage").some((call) => call.args.text === "ENG-2: waiting for a spend limit to reset"), 5_000, "the waiting reply");
    const reply = slack!.callsOf("chat.postMessage").find((call) => call.args.text === "ENG-2: waiting for a spend limit to reset")!;
    expect(textOf(reply.args.blocks)).toContain("> waiting: today's token budget is spent (2,400 of 2,000 tokens, TOKEN_BUDGET_DAILY); starts by itself at");

    // /metrics and /subtasks status show the spend and what is left.
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain('subtasks_model_tokens{period="day"} 2400');
    expect(metrics).toContain('subtasks_model_cost_usd{period="month"} 0.0056');
    expect(metrics).toContain('subtasks_budget_used_ratio{budget="TOKEN_BUDGET_DAILY"} 1.2');
    expect(metrics).not.toContain('budget="USD_BUDGET_MONTHLY"');
    const status = await sendCommand(app.baseUrl, "status");
    expect(textOf(status.json.blocks)).toContain(":moneybag: Budget: 0 of 2,000 tokens left today (resets");
    expect(textOf(status.json.blocks)).toContain("about $0.01 used this month (no monthly budget) · 30 runs per person per hour");

    // The day turns: yesterday's spend no longer counts, and the job comes due.
    await app.db.prisma.runStory.updateMany({ where: { runId: first.id }, data: { startedAt: new Date(Date.now() - 86_400_000 - 60_000) } });
    await app.db.pool.query("UPDATE pgboss.job SET start_after = now() WHERE id = $1", [(await app.db.prisma.runStory.findUniqueOrThrow({ where: { id: story.id } })).jobId]);
    expect(await waitForRun(app.db, second.id)).toBe("COMPLETED");
    expect(tracker.stories.get("ENG-2")!.children).toHaveLength(3);
    await waitFor(async () => slack!.callsOf("chat.update").some((call) => call.args.text === "ENG-2: 3 subtasks created"), 5_000, "the reply updated in place");
  });

  it("RUNS_PER_USER_HOURLY: a person's run beyond the limit waits for the next hour; another person's run does not", async () => {
    const { app } = await start({ RUNS_PER_USER_HOURLY: "1" });
    const first = await runOf(app, "ENG-1");
    expect(await waitForRun(app.db, first.id)).toBe("COMPLETED");
    const second = await runOf(app, "ENG-2");
    const story = await waitingStory(app, second.id);
    expect(story.errorMsg).toMatch(/^waiting: the person who started this run has started 1 runs this hour, the most one person may \(RUNS_PER_USER_HOURLY\); starts by itself at /);
    expect((await jobOf(app, story.id))!.start_after.getTime()).toBeGreaterThanOrEqual(utcHour(new Date()).resetsAt.getTime());

    const bobs = await runOf(app, "ENG-3", "U0BOB");
    expect(await waitForRun(app.db, bobs.id)).toBe("COMPLETED");
    expect((await app.db.prisma.runStory.findUniqueOrThrow({ where: { id: story.id } })).status).toBe("PENDING");
  });
});
