// kill -9 between the approval and the creation, end to end: the first bot process asks Linear
// for the sub-issues, Linear makes them, and the process never hears back (it is stopped without
// a goodbye); a second process on the same database resumes the story. Each process has its own
// API key, so the played workspace knows which one died. The session says it resumed, and
// nothing is created or said twice.
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.ts";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import type { Tracker } from "../../../src/trackers/types.ts";
import { startApp, stopStarted } from "../../support/app.ts";
import { playClaude, type PlayedClaude } from "../../support/claude.ts";
import { LinearWorkspace } from "../../support/linear-workspace.ts";
import { silentLogger } from "../../support/logger.ts";
import { waitFor, waitForRun } from "../../support/runs.ts";
import { agentEnv, ANTHROPIC, install, ISSUE_ID, sendCreated, sendPrompted, SESSION } from "./support.ts";

/** Long enough that the killed process's requests never time out and retry while the test runs. */
const NEVER_MS = 10 * 60_000;
let linear: LinearWorkspace;
let claude: PlayedClaude;

afterEach(async () => {
  await stopStarted();
  claude.stop();
  linear.stop();
});

function linearTracker(apiKey: string, requestTimeoutMs?: number): Tracker {
  const config = parseConfig(agentEnv({ LINEAR_API_KEY: apiKey })).trackers.linear!;
  return createLinearTracker({ config, logger: silentLogger, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
}

describe("a bot process killed between approval and creation", () => {
  it("another process resumes the story: the sub-issues exist once, the session says it resumed, and no activity is repeated", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { id: ISSUE_ID, title: "Reset a forgotten password" });
    claude = playClaude(ANTHROPIC, { subtasksPerStory: 3 });
    linear.dieAfter("CreateIssues", "lin_api_first");
    const first = await startApp({ env: agentEnv({ LINEAR_API_KEY: "lin_api_first" }), trackers: { linear: linearTracker("lin_api_first", NEVER_MS) } });
    await install(first);
    const { body } = await sendCreated(first);
    await waitFor(async () => linear.activitiesOf(SESSION).some((activity) => activity.content.type === "elicitation"), 15_000, "the proposal");

    await sendPrompted(first, "create");
    await waitFor(async () => linear.died, 20_000, "the first process to die");
    await first.core.stop({ graceful: false });
    expect(linear.childrenOf("ENG-1")).toHaveLength(3);
    expect(await first.db.prisma.runStory.findFirstOrThrow({ where: { runId: body.runId } })).toMatchObject({ status: "SAVING" });

    const second = await startApp({ env: agentEnv({ LINEAR_API_KEY: "lin_api_second" }), db: first.db, trackers: { linear: linearTracker("lin_api_second") } });
    expect(await waitForRun(second.db, body.runId, undefined, 60_000)).toBe("COMPLETED");
    await waitFor(async () => linear.activitiesOf(SESSION).some((activity) => activity.content.type === "response"), 10_000, "the response");

    expect(linear.childrenOf("ENG-1")).toHaveLength(3);
    expect(linear.byKey("ENG-1").comments).toHaveLength(1);
    expect(claude.requests).toHaveLength(1);
    const sent = linear.activitiesOf(SESSION);
    expect(sent.map((activity) => activity.content.type)).toEqual(["thought", "action", "action", "elicitation", "action", "thought", "action", "response"]);
    expect(sent[5]!.content.body).toBe("Resumed work on ENG-1 where it stopped; nothing done before is repeated.");
    expect(sent.at(-1)!.content.body).toContain("Created 3 sub-issues of ENG-1");
    // Each activity was asked for once: the successor did not repeat what the dead process said.
    expect(linear.agentCalls.filter((call) => call.operation === "AgentActivityCreate")).toHaveLength(sent.length);
  }, 120_000);
});
