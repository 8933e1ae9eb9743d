// Dependencies between generated subtasks as the trackers' own links, end to end on the real
// server and PostgreSQL, the real adapters talking to the played Linear workspace and Jira site,
// and the real engine on a played Claude. The kill: a first bot process asks for the first link,
// the tracker makes it, and the process never hears back (it is stopped without a goodbye, as by
// kill -9); a second process on the same database resumes the story. Each process has its own
// credentials, so the played tracker knows which one died and stops answering only that one.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { createJiraTracker } from "../../src/trackers/jira/adapter.ts";
import { adfToMarkdown } from "../../src/trackers/jira/adf-to-markdown.ts";
import { createLinearTracker } from "../../src/trackers/linear/adapter.ts";
import type { Tracker, TrackerRef } from "../../src/trackers/types.ts";
import { startApp, stopStarted, type TestApp } from "../support/app.ts";
import { playClaude } from "../support/claude.ts";
import { JiraSite } from "../support/jira-site.ts";
import { LinearWorkspace } from "../support/linear-workspace.ts";
import { silentLogger } from "../support/logger.ts";
import { waitFor, waitForRun } from "../support/runs.ts";
import { answerClaudeOnce, type AnswerSubtask } from "../support/webhooks/claude.ts";
import { JIRA_BASE_URL } from "../unit/trackers/support/jira-api.ts";
import { fixture } from "../unit/trackers/support/fixtures.ts";
import { playSlack, textOf } from "./slack/support/slack-api.ts";
import { CHANNEL, slackEnv } from "./slack/support/slack-requests.ts";

const ANTHROPIC = "https://anthropic.test";
const claudeEnv = { ANTHROPIC_API_KEY: "sk-ant-api03-test-key-0000", ANTHROPIC_BASE_URL: ANTHROPIC };
/** Long enough that the killed process's requests never time out and retry while the test runs. */
const NEVER_MS = 10 * 60_000;

let linear: LinearWorkspace | undefined;
let jira: JiraSite | undefined;

afterEach(async () => {
  await stopStarted();
  for (const world of [linear, jira]) world?.stop();
  [linear, jira] = [undefined, undefined];
  nock.cleanAll();
});

const issueRef = (tracker: "linear" | "jira", key: string): TrackerRef => ({ tracker, key, kind: "issue", input: key });

/** A bot process that dies (stops, ungracefully) once the tracker stops answering it. */
async function killWhenDead(app: TestApp, died: () => boolean): Promise<void> {
  await waitFor(async () => died(), 20_000, "the first process to die");
  await app.core.stop({ graceful: false });
}

/** Our own record of the links: "ST1 blocks ST2". */
async function recordedLinks(app: TestApp, runId: string): Promise<string[]> {
  const rows = await app.db.prisma.subtaskLink.findMany({ where: { blocker: { runId } }, include: { blocker: true, blocked: true } });
  return rows.map((row) => `${row.blocker.code} blocks ${row.blocked.code}`).sort();
}

describe("dependencies as Linear relations, end to end", () => {
  const env = (apiKey: string) => ({ ...claudeEnv, LINEAR_API_KEY: apiKey });

  function linearTracker(apiKey: string, requestTimeoutMs?: number): Tracker {
    const config = parseConfig(env(apiKey)).trackers.linear!;
    return createLinearTracker({ config, logger: silentLogger, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
  }

  it("each dependency becomes one blocks relation, made once even when the sync is resumed after a kill between making one and recording it", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { title: "Pay by invoice" });
    // Four subtasks, each after the one before: ST1 → ST2 → ST3 → ST4.
    playClaude(ANTHROPIC, { subtasksPerStory: 4 });
    linear.dieAfter("LinkBlocks", "lin_api_first");
    const first = await startApp({ env: env("lin_api_first"), trackers: { linear: linearTracker("lin_api_first", NEVER_MS) } });
    const { runId } = (await first.runs.startRun({ trigger: "CLI", refs: [issueRef("linear", "ENG-1")], requestedBy: "tester" })) as { runId: string };

    await killWhenDead(first, () => linear!.died);
    expect(linear.relationsMade).toBeGreaterThanOrEqual(1);
    expect(await recordedLinks(first, runId)).toEqual([]);
    const second = await startApp({ env: env("lin_api_second"), db: first.db, trackers: { linear: linearTracker("lin_api_second") } });

    expect(await waitForRun(second.db, runId, undefined, 60_000)).toBe("COMPLETED");
    const subIssues = linear.childrenOf("ENG-1");
    expect(subIssues).toHaveLength(4);
    const keyOf = (n: number) => subIssues.find((issue) => issue.title === `Implement part ${n} of ENG-1`)!.identifier;
    const relations = [...linear.relations.values()];
    expect(relations.map((relation) => `${linear!.identifierOf(relation.issueId)} ${relation.type} ${linear!.identifierOf(relation.relatedIssueId)}`).sort()).toEqual(
      [`${keyOf(1)} blocks ${keyOf(2)}`, `${keyOf(2)} blocks ${keyOf(3)}`, `${keyOf(3)} blocks ${keyOf(4)}`].sort(),
    );
    // Never a second relation for the same dependency, not even for a moment.
    expect(linear.relationsMade).toBe(3);
    expect(await recordedLinks(second, runId)).toEqual(["ST1 blocks ST2", "ST2 blocks ST3", "ST3 blocks ST4"]);
    // The relation the first process made was asked for again under the same id, refused, and found.
    expect(linear.count("IssueRelation")).toBeGreaterThanOrEqual(1);
    // The text keeps the dependency for people who read only the description.
    expect(subIssues.find((issue) => issue.identifier === keyOf(2))!.description).toContain("**Depends on** ST1");
    expect(linear.byKey("ENG-1").comments).toHaveLength(1);
    expect(linear.unanswered).toEqual([]);
  }, 90_000);

  it("a second run replaces the untouched sub-issues, and no relation is left pointing at a deleted one", async () => {
    linear = new LinearWorkspace();
    linear.addIssue("ENG-1", { title: "Pay by invoice" });
    playClaude(ANTHROPIC, { subtasksPerStory: 3 });
    const app = await startApp({ env: env("lin_api_only") });
    const run = async () => {
      const { runId } = (await app.runs.startRun({ trigger: "CLI", refs: [issueRef("linear", "ENG-1")], requestedBy: "tester" })) as { runId: string };
      expect(await waitForRun(app.db, runId)).toBe("COMPLETED");
      return runId;
    };

    await run();
    const firstSet = linear.childrenOf("ENG-1");
    expect(linear.relations.size).toBe(2);
    // A person starts on ST1 and renames it: it stays; ST2 and ST3 nobody touched are replaced.
    const kept = firstSet.find((issue) => issue.title === "Implement part 1 of ENG-1")!;
    Object.assign(kept, { stateType: "started", title: "Invoice as a payment method" });
    const secondRunId = await run();

    const deleted = firstSet.filter((issue) => issue.id !== kept.id).map((issue) => issue.id);
    expect(deleted.every((id) => linear!.trashed.has(id))).toBe(true);
    const relations = [...linear.relations.values()];
    expect(relations.filter((relation) => deleted.includes(relation.issueId) || deleted.includes(relation.relatedIssueId))).toEqual([]);
    // The new answer's own dependencies are linked among the new sub-issues.
    const fresh = linear.childrenOf("ENG-1").filter((issue) => issue.id !== kept.id);
    expect(relations).toHaveLength(2);
    expect(relations.every((relation) => fresh.some((issue) => issue.id === relation.issueId) && fresh.some((issue) => issue.id === relation.relatedIssueId))).toBe(true);
    expect(await recordedLinks(app, secondRunId)).toHaveLength(2);
    expect(linear.unanswered).toEqual([]);
  }, 60_000);
});

describe("dependencies as Jira issue links, end to end", () => {
  const env = (apiToken: string) => ({ ...claudeEnv, JIRA_BASE_URL, JIRA_EMAIL: "bot@acme.example", JIRA_API_TOKEN: apiToken });
  const authorization = (apiToken: string) => `Basic ${Buffer.from(`bot@acme.example:${apiToken}`).toString("base64")}`;
  // ST2 and ST3 both wait for ST1; ST3 also for ST2.
  const SUBTASKS: AnswerSubtask[] = [
    { title: "Add the invoice payment method", description: "Offer invoice at checkout for business accounts.\n\n**How to verify:** a business account sees Invoice.", effort: "M", acceptanceCriteria: [], dependsOn: [] },
    { title: "Email the invoice", description: "Send the invoice PDF by email.\n\n**How to verify:** the test inbox gets one PDF.", effort: "S", acceptanceCriteria: [], dependsOn: [1] },
    { title: "Remind before the due date", description: "Email a reminder 3 days before the due date.\n\n**How to verify:** a job test sends one reminder.", effort: "S", acceptanceCriteria: [], dependsOn: [1, 2] },
  ];

  function jiraTracker(apiToken: string, requestTimeoutMs?: number): Tracker {
    const config = parseConfig(env(apiToken)).trackers.jira!;
    return createJiraTracker({ config, logger: silentLogger, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
  }

  it("each dependency becomes one Blocks link, blocker as inwardIssue, made once even when the sync is resumed after a kill between making one and recording it", async () => {
    jira = new JiraSite();
    const story = jira.addIssue({ summary: "Pay by invoice", description: "As a buyer I want to pay by invoice." });
    answerClaudeOnce(ANTHROPIC, SUBTASKS);
    jira.dieAfter((request) => request.method === "POST" && request.path === "/rest/api/3/issueLink", authorization("jira-first"));
    const first = await startApp({ env: env("jira-first"), trackers: { jira: jiraTracker("jira-first", NEVER_MS) } });
    const { runId } = (await first.runs.startRun({ trigger: "CLI", refs: [issueRef("jira", story.key)], requestedBy: "tester" })) as { runId: string };

    await killWhenDead(first, () => jira!.died);
    // What the first process made before it died (what it asked for after, the site never saw).
    const madeByFirst = jira.blocksLinks();
    expect(madeByFirst.length).toBeGreaterThanOrEqual(1);
    const second = await startApp({ env: env("jira-second"), db: first.db, trackers: { jira: jiraTracker("jira-second") } });

    expect(await waitForRun(second.db, runId, undefined, 60_000)).toBe("COMPLETED");
    const subTasks = jira.childrenOf(story.key);
    expect(subTasks).toHaveLength(3);
    const keyOf = (n: number) => subTasks.find((issue) => issue.summary === SUBTASKS[n - 1]!.title)!.key;
    expect(jira.blocksLinks()).toEqual([`${keyOf(1)} blocks ${keyOf(2)}`, `${keyOf(1)} blocks ${keyOf(3)}`, `${keyOf(2)} blocks ${keyOf(3)}`].sort());
    expect(jira.linksMade).toBe(3);
    // The second process read the links the first left behind and did not post those again.
    const postedBySecond = jira.api.requests
      .filter((request) => request.method === "POST" && request.path === "/rest/api/3/issueLink" && request.headers.get("authorization") === authorization("jira-second"))
      .map((request) => request.body as { inwardIssue: { key: string }; outwardIssue: { key: string }; type: { id: string } });
    expect(postedBySecond.every((body) => body.type.id === "10000")).toBe(true);
    const linkedBySecond = postedBySecond.map((body) => `${body.inwardIssue.key} blocks ${body.outwardIssue.key}`);
    expect(linkedBySecond.filter((link) => madeByFirst.includes(link))).toEqual([]);
    expect(linkedBySecond).toHaveLength(3 - madeByFirst.length);
    expect(await recordedLinks(second, runId)).toEqual(["ST1 blocks ST2", "ST1 blocks ST3", "ST2 blocks ST3"]);
    expect(jira.byKey(story.key).comments).toHaveLength(1);
    expect(jira.api.unexpected).toEqual([]);
  }, 90_000);

  it("on a site without a Blocks link type the sub-tasks are made without links, each story's comment says so, and the thread says it once", async () => {
    const types = fixture("jira/issue-link-types.json").issueLinkTypes.filter((type: { name: string }) => type.name !== "Blocks");
    jira = new JiraSite({ linkTypes: types });
    const slack = playSlack();
    const stories = [jira.addIssue({ summary: "Pay by invoice" }), jira.addIssue({ summary: "Pay in instalments" })];
    answerClaudeOnce(ANTHROPIC, SUBTASKS);
    answerClaudeOnce(ANTHROPIC, SUBTASKS);
    // A label-started run reports in the default channel.
    const app = await startApp({ env: { ...env("jira-token"), ...slackEnv({ SLACK_DEFAULT_CHANNEL: CHANNEL }) } });
    const { runId } = (await app.runs.startRun({
      trigger: "TRACKER_LABEL",
      refs: stories.map((story) => issueRef("jira", story.key)),
      requestedBy: "5b10a2844c20165700ede21g",
    })) as { runId: string };

    expect(await waitForRun(app.db, runId)).toBe("COMPLETED");
    const note = 'This Jira site has no "Blocks" issue link type, so the dependencies between sub-tasks are only in their descriptions.';
    for (const story of stories) {
      expect(jira.childrenOf(story.key)).toHaveLength(3);
      const comments = jira.byKey(story.key).comments.map((body) => adfToMarkdown(body));
      expect(comments).toHaveLength(1);
      expect(comments[0]).toContain(note);
    }
    expect(jira.links).toEqual([]);
    expect(jira.api.requests.filter((request) => request.path === "/rest/api/3/issueLink")).toEqual([]);

    // The parent's final state carries the note once; no story reply repeats it.
    await waitFor(async () => slack.callsOf("chat.update").some((call) => textOf(call.args.blocks).includes("Done")), 10_000, "the final update");
    const parentTs = slack.callsOf("chat.postMessage")[0]!.result!.ts as string;
    const final = slack.callsOf("chat.update").filter((call) => call.args.ts === parentTs).at(-1)!;
    expect(textOf(final.args.blocks).split(":link: This Jira site has no").length - 1).toBe(1);
    await waitFor(async () => slack.repliesIn(parentTs).length === 2, 5_000, "the two story replies");
    for (const reply of slack.repliesIn(parentTs)) expect(textOf(reply.args.blocks)).not.toContain("Blocks");
    // The bot first: anything it still sends to Slack while stopping needs Slack answering.
    await stopStarted();
    slack.stop();
    expect(jira.api.unexpected).toEqual([]);
  }, 60_000);
});
