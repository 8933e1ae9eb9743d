import { afterEach, describe, expect, it } from "vitest";
import { setupCommand } from "../../../src/cli/operate-commands.ts";
import { parseConfig } from "../../../src/config/config.ts";
import { LinearAdminWorkspace } from "../../support/linear-admin.ts";
import { silentLogger } from "../../support/logger.ts";
import { captureOutput } from "../../support/output.ts";

const KEY = "lin_api_setup_key";
let linear: LinearAdminWorkspace | undefined;

afterEach(() => {
  linear?.stop();
  linear = undefined;
});

function config(env: Record<string, string> = {}) {
  return parseConfig({ LINEAR_API_KEY: KEY, PUBLIC_URL: "https://bot.acme.test/", ...env });
}

async function setup(args: { scopes?: string[]; dryRun?: boolean; env?: Record<string, string> } = {}) {
  const output = captureOutput();
  const code = await setupCommand(config(args.env), silentLogger, { tracker: "linear", scopes: args.scopes ?? [], dryRun: args.dryRun ?? false }, output);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

describe("subtasks setup linear", () => {
  it("creates the four labels and an Issue webhook on every public team, prints the secret; run again, it finds them and changes nothing", async () => {
    linear = new LinearAdminWorkspace(KEY);
    const first = await setup();
    expect(first.code).toBe(0);
    expect(linear.labels.map((label) => [label.name, label.teamId])).toEqual([
      ["ai:subtasks", null],
      ["subtasks:done", null],
      ["subtasks:failed", null],
      ["subtasks-bot", null],
    ]);
    expect(linear.webhooks).toHaveLength(1);
    const hook = linear.webhooks[0]!;
    expect(hook).toMatchObject({ url: "https://bot.acme.test/webhooks/linear", resourceTypes: ["Issue"], allPublicTeams: true, enabled: true });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.stdout).toContain("+ label ai:subtasks (workspace): created");
    expect(first.stdout).toContain("+ webhook https://bot.acme.test/webhooks/linear (Issue, all public teams): created");
    expect(first.stdout).toContain(`  LINEAR_WEBHOOK_SECRET=${hook.secret}`);

    const mutationsBefore = linear.mutations.length;
    const second = await setup();
    expect(second.code).toBe(0);
    expect(linear.mutations.length).toBe(mutationsBefore);
    expect(linear.labels).toHaveLength(4);
    expect(linear.webhooks).toHaveLength(1);
    expect(second.stdout).toContain("= label subtasks-bot (workspace): exists");
    expect(second.stdout).toContain("= webhook https://bot.acme.test/webhooks/linear (Issue, all public teams): exists");
    expect(second.stdout).toContain("nothing to change: everything was already there");
    // The secret Linear shows is printed again until the environment has it.
    expect(second.stdout).toContain(`LINEAR_WEBHOOK_SECRET=${hook.secret}`);
    const third = await setup({ env: { LINEAR_WEBHOOK_SECRET: hook.secret } });
    expect(third.stdout).not.toContain("LINEAR_WEBHOOK_SECRET=");
  });

  it("with --team, labels and one webhook per named team, signed with LINEAR_WEBHOOK_SECRET when it is set", async () => {
    linear = new LinearAdminWorkspace(KEY);
    linear.labels.push({ id: "l-1", name: "ai:subtasks", teamId: null });
    const result = await setup({ scopes: ["ENG", "ops"], env: { LINEAR_WEBHOOK_SECRET: "already-chosen" } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("= label ai:subtasks (team ENG): exists");
    expect(result.stdout).toContain("+ label subtasks:done (team OPS): created");
    expect(linear.labels.filter((label) => label.name === "subtasks:done").map((label) => label.teamId)).toHaveLength(2);
    expect(linear.webhooks.map((hook) => [hook.teamId !== null, hook.allPublicTeams, hook.secret])).toEqual([
      [true, false, "already-chosen"],
      [true, false, "already-chosen"],
    ]);
    expect(result.stdout).not.toContain("LINEAR_WEBHOOK_SECRET=");
  });

  it("--dry-run says what it would create and creates nothing", async () => {
    linear = new LinearAdminWorkspace(KEY);
    const result = await setup({ dryRun: true });
    expect(result.code).toBe(0);
    expect(linear.mutations).toEqual([]);
    expect(result.stdout).toContain("~ label ai:subtasks (workspace): would create");
    expect(result.stdout).toContain("~ webhook https://bot.acme.test/webhooks/linear (Issue, all public teams): would create");
    expect(result.stdout).toContain("dry run: 5 change(s) would be made, none was");
  });

  it("an unknown team, a key without admin rights and a missing PUBLIC_URL are named, with exit code 1", async () => {
    linear = new LinearAdminWorkspace(KEY);
    linear.admin = false;
    const result = await setup({ scopes: ["NOPE"] });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("! team NOPE: missing\n    Acme has no team NOPE; its teams: ENG, OPS");
    expect(result.stdout).toMatch(/! webhook https:\/\/bot\.acme\.test\/webhooks\/linear: missing\n {4}creating webhooks needs a workspace admin's API key \(Ana Admin is not an admin\)/);
    expect(linear.webhooks).toEqual([]);
    const noUrl = captureOutput();
    expect(await setupCommand(parseConfig({ LINEAR_API_KEY: KEY }), silentLogger, { tracker: "linear", scopes: [], dryRun: false }, noUrl)).toBe(1);
    expect(noUrl.stdout()).toContain("set PUBLIC_URL to the bot's public HTTPS address");
  });
});
