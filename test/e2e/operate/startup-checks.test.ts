// After start, the bot logs one line with the quick checks of `subtasks doctor`: nothing that
// writes (the channel probe), costs (count_tokens) or is slow (Jira's per-project types).
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { logStartupChecks } from "../../../src/operate/startup-checks.ts";
import { startCore } from "../../support/app.ts";
import { LinearAdminWorkspace } from "../../support/linear-admin.ts";
import { captureLogger } from "../../support/logger.ts";

let linear: LinearAdminWorkspace | undefined;
afterEach(() => {
  linear?.stop();
  nock.cleanAll();
});

describe("the start-up summary", () => {
  it("is one line; a credential that does not work is named in it, and nothing slow, paid or writing is called", async () => {
    linear = new LinearAdminWorkspace("lin_api_other_key");
    const slack = nock("https://slack.com")
      .post("/api/auth.test")
      .reply(200, { ok: true, url: "https://acme.slack.com/", team: "Acme", user: "subtasks", team_id: "T0123ABCD", user_id: "U0BOT1234", bot_id: "B0BOT1234" }, { "x-oauth-scopes": "commands,chat:write,chat:write.public,users:read,users:read.email" });
    const captured = captureLogger("info");
    const { core } = await startCore({
      logger: captured.logger,
      env: { LINEAR_API_KEY: "lin_api_revoked", SLACK_BOT_TOKEN: "xoxb-good", SLACK_SIGNING_SECRET: "s", SLACK_DEFAULT_CHANNEL: "C0123456789" },
    });
    await logStartupChecks(core);
    expect(slack.isDone()).toBe(true);
    const summaries = captured.lines().filter((line) => typeof line.msg === "string" && /checks? (passed|failed)/.test(line.msg));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      level: 40,
      msg: expect.stringMatching(/^1 of 6 checks failed: Linear: account \(Linear refused .*\); run `subtasks doctor` for the fixes$/),
      failures: { "Linear: account": expect.stringMatching(/^Linear refused/) },
    });
  });
});
