// jira.js's Cloud client is some 60 MB of a process's memory: a bot without Jira credentials
// never loads it, and a bot with them loads it as its Jira tracker is built (trackers/jira/client.ts).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** In a fresh Node process: whether jira.js was loaded after importing the bot, then after building its trackers. */
function loadsOfJira(configs: string): { afterImport: boolean; afterTrackers: boolean } {
  const script = `
    import { registerHooks } from "node:module";
    let jira = false;
    registerHooks({ resolve(specifier, context, next) { if (specifier === "jira.js") jira = true; return next(specifier, context); } });
    await import(${JSON.stringify(`${root}src/core.ts`)});
    const afterImport = jira;
    const { createTrackers } = await import(${JSON.stringify(`${root}src/trackers/create-trackers.ts`)});
    const { createLogger } = await import(${JSON.stringify(`${root}src/log/logger.ts`)});
    const trackers = createTrackers({ configs: ${configs}, logger: createLogger({ level: "silent" }) });
    // Time for a load that starts late to show; the Jira client's starts as it is built.
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.stdout.write(JSON.stringify({ afterImport, afterTrackers: jira }));
  `;
  const output = execFileSync(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(output) as { afterImport: boolean; afterTrackers: boolean };
}

const linear = `{ apiKey: "lin_api_x", apiUrl: "https://api.linear.app/graphql", webhookSecret: undefined }`;
const jira = `{ baseUrl: "https://acme.atlassian.net", email: "bot@acme.example", apiToken: "t", webhookSecret: undefined }`;

describe("jira.js is loaded only for a bot with Jira", () => {
  it("a Linear-only bot never loads it", () => {
    expect(loadsOfJira(`{ linear: ${linear}, jira: null }`)).toEqual({ afterImport: false, afterTrackers: false });
  });

  it("a bot with Jira credentials loads it as its trackers are built, before any request", () => {
    expect(loadsOfJira(`{ linear: ${linear}, jira: ${jira} }`)).toEqual({ afterImport: false, afterTrackers: true });
  });
});
