// The invariants a chaos run must end with, read from the database and from the fakes (what the
// trackers and Slack really hold), each with a line of detail for the table.
import type pg from "pg";
import type { JiraSite } from "../test/support/jira-site.ts";
import type { LinearWorkspace } from "../test/support/linear-workspace.ts";
import { textOf, type PlayedSlack } from "../test/e2e/slack/support/slack-api.ts";

export interface Expected {
  readonly tracker: "linear" | "jira";
  readonly key: string;
  /** The tracker's id of the story. */
  readonly id: string;
  readonly trigger: "SLASH_COMMAND" | "TRACKER_LABEL" | "CLI";
  readonly link: string;
}

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface CheckInput {
  readonly db: pg.Pool;
  readonly expected: readonly Expected[];
  readonly linear: LinearWorkspace;
  readonly jira: JiraSite;
  readonly slack: PlayedSlack;
  readonly lastFaultAt: number;
  readonly lastDoneAt: number | null;
}

const FINAL = new Set(["COMPLETED", "FAILED", "SKIPPED"]);
/** A run's Slack message showing a final state. */
export const FINAL_PARENT = /:white_check_mark: Done|:x: Failed|:warning: Done/;
const sample = (items: readonly string[]) => (items.length === 0 ? "" : `: ${items.slice(0, 5).join(", ")}${items.length > 5 ? ", …" : ""}`);

/** The runs with a Slack message, and those whose message does not show a final state (yet). */
export async function slackThreadsNotFinal(db: pg.Pool, slack: PlayedSlack): Promise<{ threads: { id: string }[]; notFinal: string[] }> {
  const { rows: threads } = await db.query<{ id: string; ts: string }>(`SELECT id, "slackThreadTs" AS ts FROM "Run" WHERE "slackThreadTs" IS NOT NULL`);
  const notFinal = threads
    .filter((thread) => {
      const writes = slack.calls.filter((call) => (call.method === "chat.update" && call.args.ts === thread.ts) || (call.method === "chat.postMessage" && call.result?.ts === thread.ts));
      return !FINAL_PARENT.test(textOf(writes.at(-1)?.args.blocks));
    })
    .map((thread) => thread.id);
  return { threads, notFinal };
}

export async function checkInvariants(input: CheckInput): Promise<CheckResult[]> {
  const { db, expected, linear, jira, slack } = input;
  const { rows: runStories } = await db.query<{ key: string; tracker: string; trigger: string; status: string }>(`
    SELECT s.key, s.tracker::text AS tracker, r.trigger::text AS trigger, rs.status::text AS status
    FROM "RunStory" rs JOIN "Story" s ON s.id = rs."storyId" JOIN "Run" r ON r.id = rs."runId"`);
  const results: CheckResult[] = [];

  // Every story final, exactly one RunStory per story and trigger.
  const byStory = new Map<string, string[]>();
  for (const row of runStories) byStory.set(`${row.tracker}:${row.key}:${row.trigger}`, [...(byStory.get(`${row.tracker}:${row.key}:${row.trigger}`) ?? []), row.status]);
  const missing = expected.filter((story) => !byStory.has(`${story.tracker.toUpperCase()}:${story.key}:${story.trigger}`)).map((story) => `${story.key} (${story.trigger})`);
  const repeated = [...byStory].filter(([, statuses]) => statuses.length > 1).map(([key, statuses]) => `${key} ×${statuses.length}`);
  const open = runStories.filter((row) => !FINAL.has(row.status)).map((row) => `${row.key} ${row.status}`);
  const statuses = runStories.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.status]: (counts[row.status] ?? 0) + 1 }), {});
  results.push({
    check: "every story final",
    ok: open.length === 0 && missing.length === 0,
    detail: `${runStories.length - open.length}/${expected.length} final (${Object.entries(statuses).map(([status, n]) => `${n} ${status}`).join(", ")})${sample([...missing.map((m) => `missing ${m}`), ...open])}`,
  });
  results.push({ check: "exactly one RunStory per story and trigger", ok: repeated.length === 0 && missing.length === 0, detail: `${byStory.size} story × trigger pairs, ${repeated.length} repeated${sample(repeated)}` });

  // No duplicate sub-issue in the trackers, and none without its Subtask row.
  const children = expected.flatMap((story) =>
    story.tracker === "linear"
      ? linear.childrenOf(story.key).map((child) => ({ parent: story.key, title: child.title, ids: [child.id, child.identifier] }))
      : jira.childrenOf(story.key).map((child) => ({ parent: story.key, title: child.summary, ids: [child.id, child.key] })),
  );
  const seen = new Set<string>();
  const duplicates = children.filter((child) => (seen.has(`${child.parent}|${child.title}`) ? true : (seen.add(`${child.parent}|${child.title}`), false))).map((child) => `${child.parent}: ${child.title}`);
  results.push({ check: "no duplicate sub-issue in the trackers", ok: duplicates.length === 0, detail: `${children.length} sub-issues, ${duplicates.length} duplicates${sample(duplicates)}` });
  const { rows: subtasks } = await db.query<{ trackerId: string | null; trackerKey: string | null }>(`SELECT "trackerId", "trackerKey" FROM "Subtask"`);
  const recorded = new Set(subtasks.flatMap((row) => [row.trackerId, row.trackerKey].filter((id): id is string => id !== null)));
  const orphans = children.filter((child) => !child.ids.some((id) => recorded.has(id))).map((child) => child.ids[1]!);
  results.push({ check: "no sub-issue without its Subtask row", ok: orphans.length === 0, detail: `${children.length - orphans.length}/${children.length} recorded${sample(orphans)}` });

  // Every Slack run message (the parent of each thread) in its final state.
  const { threads, notFinal } = await slackThreadsNotFinal(db, slack);
  const { rows: runCount } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Run"`);
  results.push({ check: "every Slack run message final", ok: notFinal.length === 0, detail: `${threads.length - notFinal.length}/${threads.length} threads final (${runCount[0]!.n} runs)${sample(notFinal)}` });

  // Recovery: from the last fault to the last story done.
  const recovery = input.lastDoneAt === null ? null : input.lastDoneAt - input.lastFaultAt;
  results.push({
    check: "time from the last fault to the last story done",
    ok: input.lastDoneAt !== null,
    detail:
      recovery === null
        ? "never: stories still open"
        : recovery >= 0
          ? `${(recovery / 1000).toFixed(1)} s`
          : `0 s (the last story was done ${(-recovery / 1000).toFixed(1)} s before the last fault)`,
  });
  return results;
}
