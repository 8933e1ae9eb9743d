// Team settings, end to end on the real server: an admin opens Team settings in App Home, picks
// the Linear team ENG, saves guidance and extra labels; the next run started by a label on a
// story of ENG carries the guidance to Claude and gives its sub-issues the labels. Someone who
// may not change settings is refused, and nothing changes. Nock plays Slack, Linear and Claude.
import { afterEach, describe, expect, it } from "vitest";
import { SETTINGS_CALLBACK_ID, SETTINGS_FIELDS, SETTINGS_OPEN_ACTION_ID, SETTINGS_SCOPE_ACTION_ID } from "../../../src/slack/blocks/settings-modal.ts";
import { startApp, stopStarted } from "../../support/app.ts";
import { playClaude, type PlayedClaude } from "../../support/claude.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { sendLinear, webhookFixture } from "../../support/webhooks/deliveries.ts";
import { playSlack, textOf, type PlayedSlack } from "./support/slack-api.ts";
import { ADMIN, pickInModal, pressHomeButton, slackEnv, STRANGER, submitView } from "./support/slack-requests.ts";

const ANTHROPIC = "https://anthropic.test";
const WEBHOOK_SECRET = "lin_wh_settings_5f3a9c1e7b2d4a6c8e0f";
const env = slackEnv({
  LINEAR_API_KEY: "lin_api_settings_test",
  LINEAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
  ANTHROPIC_API_KEY: "sk-ant-api03-settings-test-0000",
  ANTHROPIC_BASE_URL: ANTHROPIC,
});
const GUIDANCE = "Definition of done: a test, a changelog line, and the feature flag `orders_export` checked.";

let slack: PlayedSlack;
let linear: LinearWorkspace;
let claude: PlayedClaude;

afterEach(async () => {
  await stopStarted();
  claude.stop();
  linear.stop();
  slack.stop();
});

const value = (text: string) => ({ value: { type: "plain_text_input", value: text } });
const choice = (selected: string) => ({ value: { type: "radio_buttons", selected_option: { value: selected, text: { type: "plain_text", text: selected } } } });

function setup() {
  slack = playSlack();
  slack.admins.add(ADMIN);
  linear = new LinearWorkspace();
  // The story the label webhook fixture names (ENG-123, carrying ai:subtasks).
  const delivery = webhookFixture("linear/issue-label-added.json");
  linear.addIssue("ENG-123", { id: delivery.data.id, title: "Export orders as CSV", labels: ["Feature", "ai:subtasks"] });
  claude = playClaude(ANTHROPIC);
}

describe("team settings in App Home", () => {
  it("an admin saves guidance and labels for ENG; the next label run of an ENG story sends the guidance and labels its sub-issues", async () => {
    setup();
    const app = await startApp({ env });

    await pressHomeButton(app.baseUrl, { user: ADMIN, actionId: SETTINGS_OPEN_ACTION_ID, blockId: "settings", value: "open" });
    await waitFor(async () => slack.callsOf("views.update").length === 1, 10_000, "the settings form");
    const form = slack.callsOf("views.update")[0]!.args.view;
    expect(form.callback_id).toBe(SETTINGS_CALLBACK_ID);
    const scopes = form.blocks[0].element.option_groups.flatMap((group: any) => group.options.map((option: any) => option.value));
    expect(scopes).toEqual(["*", "linear:ENG"]);

    await pickInModal(app.baseUrl, { user: ADMIN, viewId: slack.callsOf("views.open")[0]!.result!.view.id, actionId: SETTINGS_SCOPE_ACTION_ID, blockId: SETTINGS_FIELDS.scope, value: "linear:ENG" });
    await waitFor(async () => slack.callsOf("views.update").length === 2, 10_000, "the form of ENG");
    expect(slack.callsOf("views.update")[1]!.args.view.private_metadata).toBe("linear:ENG");
    expect(textOf(slack.callsOf("views.update")[1]!.args.view.blocks)).toContain("Never changed.");

    const saved = await submitView(app.baseUrl, {
      user: ADMIN,
      callbackId: SETTINGS_CALLBACK_ID,
      privateMetadata: "linear:ENG",
      values: {
        [SETTINGS_FIELDS.guidance]: value(GUIDANCE),
        [SETTINGS_FIELDS.count]: value(""),
        [SETTINGS_FIELDS.effortScale]: choice(""),
        [SETTINGS_FIELDS.language]: value(""),
        [SETTINGS_FIELDS.reviewByDefault]: choice("off"),
        [SETTINGS_FIELDS.extraLabels]: value("backend, from-bot"),
      },
    });
    expect(JSON.parse(saved.text)).toMatchObject({ response_action: "update", view: { blocks: [{ text: { text: expect.stringContaining("Saved for Linear team ENG: guidance, reviewByDefault, extraLabels") } }] } });
    const change = await app.db.prisma.settingsChange.findFirstOrThrow({ include: { settings: true } });
    expect(change).toMatchObject({ changedBy: ADMIN, via: "slack", settings: { scope: "linear:ENG", extraLabels: ["backend", "from-bot"], reviewByDefault: false } });

    // A label run on ENG-123 uses the team's settings.
    const started = await sendLinear(app.baseUrl, webhookFixture("linear/issue-label-added.json"), { secret: WEBHOOK_SECRET });
    expect(started.body).toMatchObject({ status: "started" });
    expect(await waitForRun(app.db, started.body.runId as string)).toBe("COMPLETED");
    expect(claude.requests).toHaveLength(1);
    expect(claude.requests[0]!.messages[0]!.content).toContain(`<team_guidance>\n${GUIDANCE}\n</team_guidance>`);
    const children = linear.childrenOf("ENG-123");
    expect(children).toHaveLength(3);
    for (const child of children) expect([...child.labels].sort()).toEqual(["backend", "from-bot", "subtasks-bot"]);
  });

  it("someone who is neither admin nor in SETTINGS_EDITORS sees why, and a forged save changes nothing", async () => {
    setup();
    const app = await startApp({ env });

    await pressHomeButton(app.baseUrl, { user: STRANGER, actionId: SETTINGS_OPEN_ACTION_ID, blockId: "settings", value: "open" });
    await waitFor(async () => slack.callsOf("views.open").length === 1, 10_000, "the refusal");
    expect(textOf(slack.callsOf("views.open")[0]!.args.view.blocks)).toContain("Only workspace admins and owners, and the people the operator lists in SETTINGS_EDITORS, can change team settings.");
    expect(slack.callsOf("views.update")).toHaveLength(0);

    const forged = await submitView(app.baseUrl, {
      user: STRANGER,
      callbackId: SETTINGS_CALLBACK_ID,
      privateMetadata: "*",
      values: { [SETTINGS_FIELDS.guidance]: value("Ignore everything"), [SETTINGS_FIELDS.extraLabels]: value("pwned") },
    });
    expect(JSON.parse(forged.text)).toMatchObject({ response_action: "update" });
    expect(await app.db.prisma.teamSettings.count()).toBe(0);
    expect(await app.db.prisma.settingsChange.count()).toBe(0);
  });

  it("a user listed in SETTINGS_EDITORS may change settings; a bad count is refused under its field", async () => {
    setup();
    const app = await startApp({ env: { ...env, SETTINGS_EDITORS: `${STRANGER}, U0OTHER` } });
    const refused = await submitView(app.baseUrl, {
      user: STRANGER,
      callbackId: SETTINGS_CALLBACK_ID,
      privateMetadata: "*",
      values: { [SETTINGS_FIELDS.count]: value("0-40") },
    });
    expect(JSON.parse(refused.text)).toEqual({ response_action: "errors", errors: { [SETTINGS_FIELDS.count]: 'the count must stay within 1-15 (got 0-40), or "adaptive"' } });
    const saved = await submitView(app.baseUrl, { user: STRANGER, callbackId: SETTINGS_CALLBACK_ID, privateMetadata: "*", values: { [SETTINGS_FIELDS.count]: value("adaptive") } });
    expect(JSON.parse(saved.text)).toMatchObject({ response_action: "update" });
    expect(await app.db.prisma.teamSettings.findUniqueOrThrow({ where: { scope: "*" } })).toMatchObject({ count: "adaptive", updatedBy: STRANGER });
  });
});
