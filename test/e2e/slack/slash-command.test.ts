// /subtasks end to end: the real server (createApp) on a real database, signed requests sent
// with fetch, nock playing Slack's Web API and response_url. Trackers and the model are the
// in-memory fakes here (full-run.test.ts uses the real Linear and Claude clients).
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { CHANNEL, REQUESTER, sendCommand, sign, slackEnv, slashCommandBody, sendToSlackEndpoint, SLACK_ACK_DEADLINE_MS } from "./support/slack-requests.ts";

let slack: PlayedSlack | undefined;
let app: TestApp | undefined;
let locker: pg.Client | undefined;

afterEach(async () => {
  await locker?.end().catch(() => undefined);
  locker = undefined;
  await stopStarted();
  slack?.stop();
  app = undefined;
  slack = undefined;
});

async function start(options: { env?: Record<string, string>; tracker?: FakeTracker; generator?: FakeGenerator; recordWithinMs?: number } = {}) {
  slack = playSlack();
  const tracker = options.tracker ?? new FakeTracker();
  if (!options.tracker) for (const key of ["ENG-1", "ENG-2"]) tracker.addStory(key);
  app = await startApp({
    env: slackEnv({ LINEAR_API_KEY: "lin_api_test", ...options.env }),
    trackers: { linear: tracker },
    generator: options.generator ?? new FakeGenerator(),
    ...(options.recordWithinMs ? { recordWithinMs: options.recordWithinMs } : {}),
  });
  return { slack, app, tracker };
}

async function finalUpdate(played: PlayedSlack, parentTs: string) {
  await waitFor(
    async () => played.callsOf("chat.update").some((call) => call.args.ts === parentTs && /:white_check_mark: Done|:x: Failed|:warning: Done/.test(textOf(call.args.blocks))),
    15_000,
    "the parent's final update",
  );
  return played.callsOf("chat.update").filter((call) => call.args.ts === parentTs).at(-1)!;
}

describe("a finished run's message", () => {
  it("is marked shown once final, and a run whose final update died with its process is shown by the sweeper", async () => {
    const { slack, app } = await start();
    await sendCommand(app.baseUrl, "ENG-1");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    await finalUpdate(slack, parentTs);
    await waitFor(async () => (await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).reportedAt !== null, 5_000, "reportedAt");

    // As if the process that finished the run died before it updated the message.
    await app.db.prisma.run.update({ where: { id: run.id }, data: { reportedAt: null, completedAt: new Date(Date.now() - 60_000) } });
    const before = slack.callsOf("chat.update").length;
    await app.runs.sweep();
    await waitFor(async () => slack.callsOf("chat.update").slice(before).some((call) => call.args.ts === parentTs && textOf(call.args.blocks).includes(":white_check_mark: Done")), 10_000, "the message shown again");
    await waitFor(async () => (await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).reportedAt !== null, 5_000, "reportedAt again");
    // Shown: the next sweep leaves it alone.
    const after = slack.callsOf("chat.update").length;
    await app.runs.sweep();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(slack.callsOf("chat.update").length).toBe(after);
  });
});

describe("/subtasks starts a run", () => {
  it("acks at once, posts the parent in the channel, replies per story in its thread and finishes the parent with totals", async () => {
    const { slack, app, tracker } = await start();
    const ack = await sendCommand(app.baseUrl, "ENG-1 ENG-2");

    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
    expect(ack.json).toMatchObject({ response_type: "ephemeral", text: ":rocket: Starting *ENG-1*, *ENG-2*. Progress goes in a thread in this channel." });
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(run).toMatchObject({ trigger: "SLASH_COMMAND", requestedBy: REQUESTER, requestedByName: "alice", slackChannel: CHANNEL, slackTeamId: "T0ACME", refs: ["ENG-1", "ENG-2"] });
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");

    const parent = slack.callsOf("chat.postMessage")[0]!;
    expect(parent.args).toMatchObject({ channel: CHANNEL, unfurl_links: "false" });
    expect(parent.args.thread_ts).toBeUndefined();
    expect(textOf(parent.args.blocks)).toContain("*Subtasks* for `ENG-1`, `ENG-2` · asked by <@U0ALICE>");
    const parentTs = parent.result!.ts as string;
    expect((await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).slackThreadTs).toBe(parentTs);

    const last = await finalUpdate(slack, parentTs);
    const text = textOf(last.args.blocks);
    expect(text).toContain("`▰▰ 2/2`  :white_check_mark: Done · 2 done");
    expect(text).toContain("*Created*\n6");
    expect(text).toContain("*Tokens*\n4,800");
    expect(text).toContain("*Estimated cost*\n$0.0112");
    expect(text).toContain("*Failed*\n0 stories");

    await waitFor(async () => slack.repliesIn(parentTs).length === 2, 5_000, "two replies");
    const replies = slack.repliesIn(parentTs);
    expect(replies.map((reply) => reply.args.text).sort()).toEqual(["ENG-1: 3 subtasks created", "ENG-2: 3 subtasks created"]);
    const reply = replies.find((candidate) => candidate.args.text.startsWith("ENG-1"))!;
    const child = tracker.stories.get("ENG-1")!.children[0]!;
    expect(textOf(reply.args.blocks)).toContain(`• \`ST1\` <https://tracker.test/issue/${child.key}|${child.key}> ENG-1: step 1 · *S*`);
    const stories = await app.db.prisma.runStory.findMany({ where: { runId: run.id }, include: { story: true } });
    for (const story of stories) {
      expect(story.slackReplyTs).toBe(replies.find((candidate) => candidate.args.text.startsWith(story.story.key))!.result!.ts);
    }
    // The tracker comment links to the thread; the link is asked once per run.
    expect(tracker.stories.get("ENG-1")!.comments[0]).toContain(`[Discussion in Slack](https://acme.slack.test/archives/${CHANNEL}/p${parentTs.replace(".", "")})`);
    expect(slack.callsOf("chat.getPermalink")).toHaveLength(1);
  });

  it("a dry run shows the proposals in the thread and creates nothing", async () => {
    const { slack, app, tracker } = await start();
    await sendCommand(app.baseUrl, "ENG-1 --dry-run --count 2-4");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(run.options).toMatchObject({ dryRun: true, count: { min: 2, max: 4 } });
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    const last = await finalUpdate(slack, parentTs);
    expect(textOf(last.args.blocks)).toContain("*Proposed*\nnothing created (dry run)");
    await waitFor(async () => slack.repliesIn(parentTs).length === 1, 5_000, "the reply");
    const reply = textOf(slack.repliesIn(parentTs)[0]!.args.blocks);
    expect(reply).toContain("3 subtasks proposed (dry run)");
    expect(reply).toContain("• `ST1` ENG-1: step 1 · *S*");
    expect(reply).toContain("Dry run: nothing was created.");
    expect(tracker.countCalls("createSubtasks")).toBe(0);
  });

  it("shows a story titled `<!channel> deploy now` literally, pinging nobody", async () => {
    const tracker = new FakeTracker();
    tracker.addStory("ENG-7", { title: "<!channel> deploy now & <@U0BOSS>" });
    const { slack, app } = await start({ tracker });
    await sendCommand(app.baseUrl, "ENG-7");
    const run = await app.db.prisma.run.findFirstOrThrow();
    await waitForRun(app.db, run.id);
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    await finalUpdate(slack, parentTs);
    await waitFor(async () => slack.repliesIn(parentTs).length === 1, 5_000, "the reply");
    const sent = JSON.stringify(slack.calls.map((call) => call.args));
    expect(sent).toContain("&lt;!channel&gt; deploy now &amp; &lt;@U0BOSS&gt;");
    expect(sent).not.toContain("<!channel>");
    expect(sent).not.toContain("<@U0BOSS>");
  });

  it("when the bot may not post in the channel, tells the person how to fix it and still runs", async () => {
    const { slack, app, tracker } = await start();
    slack.next("chat.postMessage", { body: { ok: false, error: "not_in_channel" } });
    const ack = await sendCommand(app.baseUrl, "ENG-1");
    expect(ack.json.text).toContain("Starting *ENG-1*");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    await waitFor(async () => slack.responses.length === 1, 5_000, "the response_url message");
    expect(slack.responses[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(slack.responses[0]!.body.text).toContain(`I am not a member of <#${CHANNEL}>`);
    expect(slack.responses[0]!.body.text).toContain("/invite @subtasks");
    expect(slack.responses[0]!.body.text).toContain(`/subtasks status ${run.id}`);
    expect(tracker.stories.get("ENG-1")!.children).toHaveLength(3);
    // No thread, so no replies and no updates.
    await app.runs.idle();
    expect(slack.callsOf("chat.postMessage")).toHaveLength(1);
    expect(slack.callsOf("chat.update")).toHaveLength(0);
  });
});

describe("/subtasks while the database is slow", () => {
  /** Holds the Run table (another session's lock), so the run's insert waits until released. */
  async function lockRuns(url: string): Promise<pg.Client> {
    locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE "Run" IN ACCESS EXCLUSIVE MODE');
    return locker;
  }

  it("acks in time with a 'recording' message, then tells the person the run started, and runs it", async () => {
    const { slack, app } = await start({ recordWithinMs: 300 });
    const lock = await lockRuns(app.db.url);
    const ack = await sendCommand(app.baseUrl, "ENG-1");

    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(SLACK_ACK_DEADLINE_MS);
    expect(ack.json).toMatchObject({ response_type: "ephemeral" });
    expect(ack.json.text).toContain("The database is slow to record the run for *ENG-1*");
    expect(slack.responses).toHaveLength(0);

    await lock.query("COMMIT");
    await waitFor(async () => slack.responses.length === 1, 5_000, "the response_url message");
    expect(slack.responses[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(slack.responses[0]!.body.text).toContain(":rocket: Starting *ENG-1*");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    expect(slack.callsOf("chat.postMessage")[0]!.args).toMatchObject({ channel: CHANNEL });
  });

  it("tells the person through response_url when the run could not be recorded after the ack", async () => {
    const { slack, app } = await start({ recordWithinMs: 300 });
    const lock = await lockRuns(app.db.url);
    const ack = await sendCommand(app.baseUrl, "ENG-1");
    expect(ack.json.text).toContain("slow to record");

    // The insert waiting on the lock loses its connection (a database restart, a failover).
    await waitFor(
      async () => (await lock.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rowCount === 1,
      5_000,
      "the insert waiting on the lock",
    );
    await lock.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    await lock.query("COMMIT");

    await waitFor(async () => slack.responses.length === 1, 5_000, "the response_url message");
    expect(slack.responses[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(slack.responses[0]!.body.text).toContain("Something went wrong on my side while recording the run. Nothing was started");
    expect(await app.db.prisma.run.count()).toBe(0);
    expect(slack.callsOf("chat.postMessage")).toHaveLength(0);
  });
});

describe("/subtasks answers what it cannot do, and starts nothing", () => {
  const cases: [string, string][] = [
    ["", "breaks user stories into subtasks"],
    ["help", "`--dry-run` show the subtasks here, create nothing"],
    ["ENG-1 --dryrun", "--dryrun is not an option I know. Options: --count 3-6, --dry-run, --review, --no-review."],
    ["ENG-1 --count 9-3", "--count: the count range 9-3 starts above where it ends."],
    ["ENG-1 --count", "--count needs a range after it"],
    ["deploy now please", '"deploy" is not an issue key or a link.'],
    ["https://acme.atlassian.net/browse/PROJ-42", "That is a Jira link, but Jira is not configured"],
    ["https://github.com/acme/app/issues/1", "github.com is not a Linear or Jira link."],
    ["ENG-1 --dry-run --review", "--dry-run and --review do not go together"],
    ["--review", "Tell me which stories to break down"],
    ["status one two", "status takes at most one run id"],
    ["status nonsense", "There is no run `nonsense`."],
  ];
  it.each(cases)("%j", async (text, expected) => {
    const { slack, app } = await start();
    const ack = await sendCommand(app.baseUrl, text);
    expect(ack.status).toBe(200);
    expect(ack.json.response_type).toBe("ephemeral");
    expect(JSON.stringify(ack.json)).toContain(JSON.stringify(expected).slice(1, -1));
    expect(await app.db.prisma.run.count()).toBe(0);
    expect(slack.calls.filter((call) => call.method !== "auth.test")).toEqual([]);
  });
});

describe("/subtasks status", () => {
  it("lists the latest runs of the channel, shows one run in full, and says when a run id is unknown", async () => {
    const { app } = await start();
    await sendCommand(app.baseUrl, "ENG-1");
    const run = await app.db.prisma.run.findFirstOrThrow();
    await waitForRun(app.db, run.id);

    const list = await sendCommand(app.baseUrl, "status");
    expect(list.json.response_type).toBe("ephemeral");
    expect(textOf(list.json.blocks)).toContain(`*The latest runs in <#${CHANNEL}>*`);
    expect(textOf(list.json.blocks)).toContain("`ENG-1` · :white_check_mark: done · 1 story · 3 subtasks created");
    expect(textOf(list.json.blocks)).toContain(`\`${run.id}\``);

    const one = await sendCommand(app.baseUrl, `status ${run.id}`);
    expect(textOf(one.json.blocks)).toContain("`▰ 1/1`  :white_check_mark: Done");

    const unknown = await sendCommand(app.baseUrl, "status cm00000000000000000000000");
    expect(unknown.json.text).toContain("There is no run `cm00000000000000000000000`");

    const elsewhere = await sendCommand(app.baseUrl, "status", { channel_id: "C0OTHER" });
    expect(elsewhere.json.text).toBe("No runs in this channel yet.");
  });
});

describe("request signing", () => {
  it("refuses a forged signature and a stale timestamp with 401, and records nothing", async () => {
    const { slack, app } = await start();
    const body = slashCommandBody("ENG-1");
    const now = Math.floor(Date.now() / 1000);

    const forged = await sendToSlackEndpoint(app.baseUrl, body, { signature: sign(body, now, "not-the-secret") });
    expect(forged.status).toBe(401);
    const stale = await sendToSlackEndpoint(app.baseUrl, body, { timestamp: now - 301 });
    expect(stale.status).toBe(401);
    const tampered = await sendToSlackEndpoint(app.baseUrl, body.replace("ENG-1", "ENG-2"), { signature: sign(body, now), timestamp: now });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(`${app.baseUrl}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(unsigned.status).toBe(401);

    expect(await app.db.prisma.run.count()).toBe(0);
    expect(slack.calls.filter((call) => call.method !== "auth.test")).toEqual([]);
    expect(slack.responses).toEqual([]);

    // The same body, signed now, is accepted: the refusals were about the signature.
    expect((await sendToSlackEndpoint(app.baseUrl, body)).status).toBe(200);
    expect(await app.db.prisma.run.count()).toBe(1);
  });
});

describe("runs started by a tracker label", () => {
  it("report in SLACK_DEFAULT_CHANNEL when it is set, and save the thread on the run", async () => {
    const { slack, app } = await start({ env: { SLACK_DEFAULT_CHANNEL: "#subtasks" } });
    const started = await app.runs.startRun({
      trigger: "TRACKER_LABEL",
      refs: [{ tracker: "linear", key: "ENG-2", kind: "issue", input: "ENG-2" }],
      requestedBy: "linear:user-1",
      requestedByName: "Dana",
    });
    expect(await waitForRun(app.db, started.runId!)).toBe("COMPLETED");
    await waitFor(async () => (await app.db.prisma.run.findUniqueOrThrow({ where: { id: started.runId! } })).slackThreadTs !== null, 5_000, "the thread");
    const parent = slack.callsOf("chat.postMessage")[0]!;
    expect(parent.args.channel).toBe("#subtasks");
    expect(textOf(parent.args.blocks)).toContain("started by a label (Dana)");
    const run = await app.db.prisma.run.findUniqueOrThrow({ where: { id: started.runId! } });
    expect(run).toMatchObject({ slackChannel: "C0DEFAULT", slackThreadTs: parent.result!.ts });
    await finalUpdate(slack, run.slackThreadTs!);
    await waitFor(async () => slack.repliesIn(run.slackThreadTs!).length === 1, 5_000, "the reply");
    expect(slack.repliesIn(run.slackThreadTs!)[0]!.args.channel).toBe("C0DEFAULT");
  });
});
