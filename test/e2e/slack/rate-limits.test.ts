// Slack's rate limits: parent updates are coalesced (one per second per message, the last state
// always sent), posts and updates are paced per channel so Slack never has to refuse them, a
// 429 is still waited out for its Retry-After, and a big run's replies are grouped when stories
// finish faster than the channel allows.
import { afterEach, describe, expect, it } from "vitest";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { sendCommand, slackEnv } from "./support/slack-requests.ts";

let app: TestApp | undefined;
let slack: PlayedSlack | undefined;

afterEach(async () => {
  await stopStarted();
  slack?.stop();
  app = undefined;
});

describe("Slack rate limits", () => {
  it("a 429 with Retry-After on chat.update is waited out, and the final state is still delivered", async () => {
    slack = playSlack();
    const tracker = new FakeTracker();
    const keys = ["ENG-1", "ENG-2", "ENG-3", "ENG-4", "ENG-5"];
    for (const key of keys) tracker.addStory(key);
    app = await startApp({ env: slackEnv({ LINEAR_API_KEY: "lin_api_test" }), trackers: { linear: tracker }, generator: new FakeGenerator({ delayMs: 150 }) });
    // Every parent update answers 429 first, until one is accepted.
    slack.next("chat.update", { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } });

    await sendCommand(app.baseUrl, keys.join(" "));
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id)).toBe("COMPLETED");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    await waitFor(
      async () => slack!.callsOf("chat.update").some((call) => call.status === 200 && call.args.ts === parentTs && textOf(call.args.blocks).includes("Done")),
      15_000,
      "the final state after the 429",
    );

    const updates = slack.callsOf("chat.update").filter((call) => call.args.ts === parentTs);
    const limited = updates.find((call) => call.status === 429)!;
    expect(limited).toBeDefined();
    // The same update was sent again once the Retry-After had passed.
    const retried = updates[updates.indexOf(limited) + 1]!;
    expect(retried.status).toBe(200);
    expect(retried.args.blocks).toEqual(limited.args.blocks);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
    // The last message Slack accepted is the final state.
    const final = updates.filter((call) => call.status === 200).at(-1)!;
    expect(textOf(final.args.blocks)).toContain("`▰▰▰▰▰ 5/5`  :white_check_mark: Done · 5 done");
    // Never more than one accepted update per second on the message.
    const accepted = updates.filter((call) => call.status === 200).map((call) => call.at);
    for (let i = 1; i < accepted.length; i++) expect(accepted[i]! - accepted[i - 1]!).toBeGreaterThanOrEqual(990);
    // All five stories have their reply (some may share one, the channel being behind).
    await waitFor(async () => slack!.storiesRepliedIn(parentTs).size === 5, 5_000, "five stories' replies");
  });

  it("a 40-story run against Slack's one message per second per channel meets no 429, and its final state follows the last story within 5 s", async () => {
    slack = playSlack({ channelLimit: { perSecond: 1, burst: 4 } });
    const tracker = new FakeTracker();
    const keys = Array.from({ length: 40 }, (_, i) => `ENG-${i + 1}`);
    tracker.addEpic("ENG-1000", keys);
    app = await startApp({
      env: slackEnv({ LINEAR_API_KEY: "lin_api_test", RUN_CONCURRENCY: "8" }),
      trackers: { linear: tracker },
      generator: new FakeGenerator({ delayMs: 100 }),
    });

    await sendCommand(app.baseUrl, "ENG-1000");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id, undefined, 60_000)).toBe("COMPLETED");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    await waitFor(async () => slack!.storiesRepliedIn(parentTs).size === 40, 20_000, "every story's reply");
    await waitFor(
      async () => slack!.callsOf("chat.update").some((call) => call.status === 200 && call.args.ts === parentTs && textOf(call.args.blocks).includes("Done")),
      10_000,
      "the final state",
    );

    expect(slack.rateLimited()).toBe(0);
    const stories = await app.db.prisma.runStory.findMany({ where: { runId: run.id } });
    expect(stories.map((story) => story.status)).toEqual(Array(40).fill("COMPLETED"));
    const lastStoryAt = Math.max(...stories.map((story) => story.completedAt!.getTime()));
    const finalAt = slack.callsOf("chat.update").find((call) => call.args.ts === parentTs && textOf(call.args.blocks).includes("Done"))!.at;
    expect(finalAt - lastStoryAt).toBeLessThan(5_000);
    // Stories finished faster than one a second: replies were grouped, fewer than one per story.
    expect(slack.repliesIn(parentTs).length).toBeLessThan(40);
  });

  it("a 200-story epic costs at most one reply per story and a bounded number of parent updates", async () => {
    slack = playSlack();
    const tracker = new FakeTracker();
    const keys = Array.from({ length: 200 }, (_, i) => `ENG-${i + 1}`);
    tracker.addEpic("ENG-1000", keys);
    app = await startApp({
      env: slackEnv({ LINEAR_API_KEY: "lin_api_test", EPIC_STORY_LIMIT: "200", RUN_CONCURRENCY: "16" }),
      trackers: { linear: tracker },
      generator: new FakeGenerator({ count: 2 }),
    });

    await sendCommand(app.baseUrl, "ENG-1000");
    const run = await app.db.prisma.run.findFirstOrThrow();
    expect(await waitForRun(app.db, run.id, undefined, 60_000)).toBe("COMPLETED");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    await waitFor(async () => slack!.storiesRepliedIn(parentTs).size === 200, 60_000, "200 stories' replies");
    await waitFor(
      async () => slack!.callsOf("chat.update").some((call) => call.args.ts === parentTs && textOf(call.args.blocks).includes("Done")),
      10_000,
      "the final update",
    );
    await app.stop();

    const methods = slack.calls.reduce<Record<string, number>>((counts, call) => ({ ...counts, [call.method]: (counts[call.method] ?? 0) + 1 }), {});
    // One parent, at most one reply per story (grouped when the channel is behind), one
    // permalink for the whole run, the start-up check.
    expect(methods["chat.postMessage"]).toBe(1 + slack.repliesIn(parentTs).length);
    expect(slack.repliesIn(parentTs).length).toBeLessThanOrEqual(200);
    expect(methods["chat.getPermalink"]).toBe(1);
    expect(methods["auth.test"]).toBe(1);
    // The progress bar has ten segments: about ten updates plus start and end, not 200.
    const parentUpdates = slack.callsOf("chat.update").filter((call) => call.args.ts === parentTs).length;
    expect(parentUpdates).toBeGreaterThanOrEqual(2);
    expect(parentUpdates).toBeLessThanOrEqual(14);
    // Replies are posted once and not edited: nothing changes on a finished story.
    expect(slack.callsOf("chat.update").filter((call) => call.args.ts !== parentTs)).toHaveLength(0);
    expect(slack.calls.length).toBeLessThanOrEqual(200 + 17);

    const final = textOf(slack.callsOf("chat.update").at(-1)!.args.blocks);
    expect(final).toContain("`▰▰▰▰▰▰▰▰▰▰ 200/200`  :white_check_mark: Done · 200 done");
    expect(final).toContain("*Created*\n400");
    // The story list is cut within the section limits, pointing at the thread.
    expect(final).toMatch(/… and \d+ more stories: each has its reply in the thread/);
    const lastBlocks = slack.callsOf("chat.update").at(-1)!.args.blocks as any[];
    expect(lastBlocks.length).toBeLessThanOrEqual(50);
    for (const block of lastBlocks) if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    app = undefined;
  });
});
