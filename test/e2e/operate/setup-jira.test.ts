import { afterEach, describe, expect, it } from "vitest";
import { setupCommand } from "../../../src/cli/operate-commands.ts";
import { parseConfig } from "../../../src/config/config.ts";
import { JIRA_SITE, JiraAdminSite } from "../../support/jira-admin.ts";
import { silentLogger } from "../../support/logger.ts";
import { captureOutput } from "../../support/output.ts";

const EMAIL = "bot@acme.test";
const TOKEN = "jira-token-setup";
let jira: JiraAdminSite | undefined;

afterEach(() => {
  jira?.stop();
  jira = undefined;
});

async function setup(args: { projects?: string[]; dryRun?: boolean; env?: Record<string, string> } = {}) {
  const config = parseConfig({ JIRA_BASE_URL: JIRA_SITE, JIRA_EMAIL: EMAIL, JIRA_API_TOKEN: TOKEN, PUBLIC_URL: "https://bot.acme.test", ...args.env });
  const output = captureOutput();
  const code = await setupCommand(config, silentLogger, { tracker: "jira", scopes: args.projects ?? [], dryRun: args.dryRun ?? false }, output);
  return { code, stdout: output.stdout() };
}

describe("subtasks setup jira", () => {
  it("without admin rights: says so, creates nothing, and prints the README's manual steps with this bot's URL and JQL", async () => {
    jira = new JiraAdminSite(EMAIL, TOKEN);
    jira.admin = false;
    const result = await setup({ projects: ["PROJ"] });
    expect(result.code).toBe(1);
    expect(jira.posts).toBe(0);
    expect(result.stdout).toBe(
      [
        "= sub-task type of project PROJ (Sub-task): exists",
        "",
        "Jira: Jo Jira has no Jira admin rights (Administer Jira), which creating a webhook needs.",
        "",
        "Do it by hand instead (README, Tracker webhooks):",
        "  1. ⚙ Settings → System → WebHooks → Create a WebHook. URL https://bot.acme.test/webhooks/jira.",
        "  2. Secret: generate one and put it in JIRA_WEBHOOK_SECRET, then restart the bot.",
        '  3. Events: Issue → created and updated; leave "Exclude body" off.',
        '  4. JQL filter: labels = "ai:subtasks"',
      ].join("\n"),
    );
  });

  it("with admin rights: creates the webhook (JQL on the trigger label, created and updated, a generated secret) once, and says what a project lacks", async () => {
    jira = new JiraAdminSite(EMAIL, TOKEN);
    jira.projects.set("OPS", false);
    const first = await setup({ projects: ["PROJ", "OPS"], env: { TRIGGER_LABEL: "needs-subtasks" } });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("! sub-task type of project OPS: missing\n    Jira project OPS has no sub-task issue type");
    expect(jira.webhooks).toHaveLength(1);
    const hook = jira.webhooks[0]!;
    expect(hook).toMatchObject({
      name: "subtasks-bot",
      url: "https://bot.acme.test/webhooks/jira",
      events: ["jira:issue_created", "jira:issue_updated"],
      filters: { "issue-related-events-section": 'labels = "needs-subtasks"' },
      excludeBody: false,
    });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.stdout).toContain(`  JIRA_WEBHOOK_SECRET=${hook.secret}`);

    const second = await setup({ projects: ["PROJ"], env: { TRIGGER_LABEL: "needs-subtasks", JIRA_WEBHOOK_SECRET: hook.secret! } });
    expect(second.code).toBe(0);
    expect(jira.posts).toBe(1);
    expect(second.stdout).toContain("= webhook https://bot.acme.test/webhooks/jira (issue created and updated, labels = \"needs-subtasks\"): exists");
    expect(second.stdout).toContain("nothing to change");
  });

  it("refused credentials end with Jira's own reason", async () => {
    jira = new JiraAdminSite(EMAIL, "another-token");
    await expect(setup()).rejects.toThrow(/Jira refused the bot's credentials \(HTTP 401\)/);
  });
});
