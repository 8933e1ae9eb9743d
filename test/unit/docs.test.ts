import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderConfigTable } from "../../src/config/reference.ts";
import { variableNames } from "../../src/config/variables.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("README", () => {
  it("documents exactly the configuration the code reads (npm run docs:config to refresh)", () => {
    const readme = read("README.md");
    const block = readme.slice(readme.indexOf("<!-- config:start -->"), readme.indexOf("<!-- config:end -->"));
    expect(block.replace("<!-- config:start -->", "").trim()).toBe(renderConfigTable());
    for (const name of variableNames) expect(block).toContain(name);
  });

  it("gives the two set-up commands that CI runs", () => {
    const readme = read("README.md");
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm ci && npm test");
    const ci = read(".ci/run");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("copies only files that exist in the repository", () => {
    const sources = dockerfile
      .split("\n")
      .filter((line) => /^COPY\s/.test(line) && !line.includes("--from="))
      .flatMap((line) => line.trim().split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      // package-lock.json is created by npm install and committed.
      expect(existsSync(path.join(root, source)), `${source} named in Dockerfile`).toBe(true);
    }
  });

  it("builds on node:24-slim, runs as a non-root user with production dependencies and a health check", () => {
    expect(dockerfile.match(/^FROM node:24-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain("npm ci --omit=dev");
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    const cmd = dockerfile.match(/^CMD \[(.*)\]$/m)?.[1];
    expect(cmd).toContain('"src/main.ts"');
    expect(existsSync(path.join(root, "src/main.ts"))).toBe(true);
  });
});
