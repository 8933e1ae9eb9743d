import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MINIMUM_NODE, nodeVersionProblem } from "../../bin/node-version.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the Node.js version check", () => {
  it("refuses Node 20 and 22.11 with one line that says what is needed and how to get it", () => {
    expect(nodeVersionProblem("20.19.5")).toBe(
      "subtasks-bot needs Node.js 22.12 or later (this is 20.19.5): install Node.js 24 from https://nodejs.org/en/download (or `nvm install 24`, or `fnm install 24`), then run `npm ci` again",
    );
    expect(nodeVersionProblem("22.11.0")).toMatch(/^subtasks-bot needs Node\.js 22\.12 or later \(this is 22\.11\.0\): /);
    expect(nodeVersionProblem("18.20.4")).not.toBeNull();
  });

  it("accepts 22.12 and every later version", () => {
    for (const version of ["22.12.0", "22.18.1", "23.0.0", "24.21.0", "30.1.2"]) expect(nodeVersionProblem(version)).toBeNull();
  });

  it("agrees with package.json engines, and npm enforces them (.npmrc engine-strict)", () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { engines: { node: string }; scripts: Record<string, string> };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
    expect(readFileSync(`${root}/.npmrc`, "utf8")).toMatch(/^engine-strict=true$/m);
    // npm runs prestart first and stops when it fails; start stays one command, which the shell
    // execs, so npm's SIGTERM reaches the bot.
    expect(pkg.scripts.prestart).toBe("node bin/node-version.js");
    expect(pkg.scripts.start).not.toContain("&&");
  });

  // The machine's own Node, when it is older (the CI image ships Node 20 beside the provisioned 24).
  const systemNode = "/usr/bin/node";
  const systemVersion = existsSync(systemNode) ? execFileSync(systemNode, ["-p", "process.versions.node"], { encoding: "utf8" }).trim() : "";
  it.runIf(systemVersion !== "" && nodeVersionProblem(systemVersion) !== null)(`bin/subtasks.js on the system's Node ${systemVersion} stops with that line and exit code 1`, () => {
    const result = spawnSync(systemNode, [`${root}/bin/subtasks.js`, "help"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`${nodeVersionProblem(systemVersion)}\n`);
  });
});
