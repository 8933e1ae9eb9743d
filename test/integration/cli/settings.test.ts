// `subtasks settings show|set` on a real database: what an operator sees, what is stored, and
// that a run of the team then uses it.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.ts";
import { resolveScope, setSettings, showSettings } from "../../../src/cli/settings-command.ts";
import { UsageError } from "../../../src/cli/usage-error.ts";
import { SettingsStore } from "../../../src/settings/store.ts";
import { migratedTestDatabase, type TestDatabase } from "../../support/database.ts";
import { captureOutput } from "../../support/output.ts";

let db: TestDatabase;
let store: SettingsStore;

beforeEach(async () => {
  db = await migratedTestDatabase();
  store = new SettingsStore(db.prisma);
});

afterEach(async () => {
  await db.destroy();
});

describe("subtasks settings", () => {
  it("set stores a team's conventions with who changed them; show prints them beside the workspace default", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "settings-"));
    const dod = path.join(dir, "dod.md");
    await writeFile(dod, "Definition of done:\n- a test\n- a changelog line\n");
    expect(await setSettings(store, "*", { count: "3-6", extraLabels: ["from-bot"] }, undefined, "ops", captureOutput())).toBe(0);

    const output = captureOutput();
    const code = await setSettings(store, "linear:ENG", { count: "adaptive", reviewByDefault: true, extraLabels: ["backend"] }, dod, "ada", output);
    expect(code).toBe(0);
    const printed = output.stdout();
    expect(printed).toContain("saved for Linear team ENG: guidance, count, reviewByDefault, extraLabels");
    expect(printed).toMatch(/^Linear team ENG \(linear:ENG\) · last changed by ada on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    expect(printed).toMatch(/^guidance\s+Definition of done: - a test - a changelog line\s+Definition of done: - a test - a changelog line$/m);
    expect(printed).toMatch(/^count\s+adaptive\s+adaptive$/m);
    expect(printed).toMatch(/^review\s+on\s+on$/m);
    expect(printed).toMatch(/^extra labels\s+backend\s+from-bot, backend$/m);
    expect(printed).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}ada \(cli\): guidance, count, reviewByDefault, extraLabels$/m);

    const effective = await store.effectiveFor("LINEAR", "ENG");
    expect(effective).toMatchObject({ guidance: "Definition of done:\n- a test\n- a changelog line", count: "adaptive", reviewByDefault: true, extraLabels: ["from-bot", "backend"] });
    console.info(`subtasks settings show linear:ENG\n${(await (async () => { const o = captureOutput(); await showSettings(store, "linear:ENG", o); return o.stdout(); })())}`);
  });

  it("set refuses a value that cannot be used and stores nothing", async () => {
    const output = captureOutput();
    expect(await setSettings(store, "linear:ENG", { count: "0-99" }, undefined, "ada", output)).toBe(2);
    expect(output.stderr()).toContain('count: the count must stay within 1-15 (got 0-99), or "adaptive"');
    expect(await db.prisma.teamSettings.count()).toBe(0);
  });

  it("resolves a bare key to the only configured tracker, and asks for one when there are two", () => {
    const linearOnly = parseConfig({ LINEAR_API_KEY: "lin_api_x" });
    const both = parseConfig({ LINEAR_API_KEY: "lin_api_x", JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_EMAIL: "bot@acme.example", JIRA_API_TOKEN: "t" });
    expect(resolveScope("eng", linearOnly)).toBe("linear:ENG");
    expect(resolveScope("default", both)).toBe("*");
    expect(resolveScope("jira:PROJ", both)).toBe("jira:PROJ");
    expect(() => resolveScope("ENG", both)).toThrow(UsageError);
    expect(() => resolveScope("ENG", both)).toThrow("write linear:ENG or jira:ENG");
  });
});
