import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", main], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("start-up with a bad setting", () => {
  it.each([
    [{ PORT: "abc" }, "configuration error: PORT must be an integer from 1 to 65535\n"],
    [{ LINEAR_API_URL: "nope" }, "configuration error: LINEAR_API_URL must be a URL\n"],
  ])("%o exits 2 with one clear line and no stack trace", (env, line) => {
    const result = start(env);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(line);
    expect(result.stdout).toBe("");
  });
});
