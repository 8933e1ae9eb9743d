import { afterEach, describe, expect, it } from "vitest";
import { FakeGenerator } from "../../support/fake-generator.ts";
import { FakeTracker } from "../../support/fake-tracker.ts";
import { startApp, stopStarted, type TestApp } from "../../support/app.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { CHANNEL, openAppHome, REQUESTER, sendCommand, slackEnv, STRANGER } from "./support/slack-requests.ts";

let app: TestApp | undefined;
let slack: PlayedSlack | undefined;

afterEach(async () => {
  await stopStarted();
  slack?.stop();
  app = undefined;
});

describe("App Home", () => {
  it("publishes the person's recent runs with links to their threads, and a how-to", async () => {
    slack = playSlack();
    const tracker = new FakeTracker();
    tracker.addStory("ENG-1");
    app = await startApp({ env: slackEnv({ LINEAR_API_KEY: "lin_api_test" }), trackers: { linear: tracker }, generator: new FakeGenerator() });
    await sendCommand(app.baseUrl, "ENG-1 --dry-run");
    const run = await app.db.prisma.run.findFirstOrThrow();
    await waitForRun(app.db, run.id);

    const opened = await openAppHome(app.baseUrl, REQUESTER);
    expect(opened.status).toBe(200);
    await waitFor(async () => slack!.callsOf("views.publish").length === 1, 5_000, "views.publish");
    const { args } = slack.callsOf("views.publish")[0]!;
    expect(args.user_id).toBe(REQUESTER);
    expect(args.view.type).toBe("home");
    const text = textOf(args.view.blocks);
    expect(text).toContain("`/subtasks ENG-123` one story");
    expect(text).toContain("*Your recent runs*");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    expect(text).toContain(`\`ENG-1\` · :white_check_mark: done · 1 story · dry run · `);
    expect(text).toContain(`<https://acme.slack.test/archives/${CHANNEL}/p${parentTs.replace(".", "")}|thread>`);
    expect(text).toContain(`\`${run.id}\``);

    await openAppHome(app.baseUrl, STRANGER);
    await waitFor(async () => slack!.callsOf("views.publish").length === 2, 5_000, "the second views.publish");
    expect(textOf(slack.callsOf("views.publish")[1]!.args.view.blocks)).toContain("None yet. Type `/subtasks help` in a channel to start.");
  });
});
