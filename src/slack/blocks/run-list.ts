// A run in one line, for /subtasks status and App Home.
import type { RunSummary } from "../../runs/types.ts";
import { escapeMrkdwn, link, mentionChannel } from "../mrkdwn.ts";
import { plural } from "./format.ts";
import { refText } from "./run-message.ts";

const runStatusLabel: Record<RunSummary["status"], string> = {
  QUEUED: ":hourglass_flowing_sand: queued",
  RUNNING: ":arrows_counterclockwise: running",
  COMPLETED: ":white_check_mark: done",
  PARTIAL: ":warning: partly failed",
  FAILED: ":x: failed",
};

export function runStatusLabelOf(run: Pick<RunSummary, "status">): string {
  return runStatusLabel[run.status];
}

function when(date: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - date.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return date.toISOString().slice(0, 10);
}

/** `ENG-1, ENG-2 · ✅ done · 2 stories · 8 subtasks created · 5 min ago · thread` (or `stories for ENG-100 · … · 6 stories created`). */
export function runListLine(run: RunSummary, options: { threadUrl?: string | undefined; now?: Date } = {}): string {
  const refs = run.refs.slice(0, 5).map(refText);
  const more = run.refs.length > refs.length ? ` +${run.refs.length - refs.length}` : "";
  const stories = run.type === "GENERATE_STORIES";
  const parts = [`${stories ? "stories for " : ""}${refs.join(", ")}${more}`, runStatusLabelOf(run)];
  if (stories && run.epicsTotal > 0) parts.push(plural(run.epicsTotal, "epic"));
  if (!stories && run.storiesTotal > 0) parts.push(plural(run.storiesTotal, "story", "stories"));
  if (run.completedAt) {
    const made = stories ? plural(run.storiesCreated, "story", "stories") : plural(run.subtasksCreated, "subtask");
    parts.push(run.options.dryRun ? "dry run" : `${made} created`);
  }
  parts.push(when(run.createdAt, options.now ?? new Date()));
  if (options.threadUrl) parts.push(link(options.threadUrl, "thread"));
  else if (run.slackChannel) parts.push(`in ${mentionChannel(run.slackChannel)}`);
  return `${parts.join(" · ")}\n\`${escapeMrkdwn(run.runId)}\``;
}
