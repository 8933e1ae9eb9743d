// The run's parent message: who asked, the stories, a progress bar and the status, and once the
// run is over, its totals. Rendered from the database (RunProgress), so any process renders the
// same message for the same state.
import type { RunProgress } from "../../runs/progress.ts";
import { isRunOver } from "../../runs/states.ts";
import type { RunSummary, StoryProgress } from "../../runs/types.ts";
import { escapeMrkdwn, inlineText, link, mentionUser } from "../mrkdwn.ts";
import { formatCost, formatCount, formatDuration, plural, progressBar } from "./format.ts";
import { context, fieldsSection, message, packLines, section, type Block, type SlackMessage } from "./message.ts";
import { isAwaitingReview, isFinal, storyStatus } from "./story-status.ts";

/**
 * The story list gets at most this many sections (3,000 characters each): Slack refuses
 * messages whose blocks add up to much more than 12,000 characters (msg_blocks_too_long).
 */
const STORY_LIST_SECTIONS = 2;
const TITLE_CHARS = 90;

export interface RunTally {
  readonly total: number;
  readonly finished: number;
  readonly completed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly awaiting: number;
  readonly created: number;
}

/** Counts from the stories themselves: Run's own counters are only written when it finishes. */
export function tallyStories(stories: readonly StoryProgress[]): RunTally {
  return {
    total: stories.length,
    finished: stories.filter(isFinal).length,
    completed: stories.filter((story) => story.status === "COMPLETED").length,
    failed: stories.filter((story) => story.status === "FAILED").length,
    skipped: stories.filter((story) => story.status === "SKIPPED").length,
    awaiting: stories.filter(isAwaitingReview).length,
    created: stories.reduce((sum, story) => sum + story.subtasksCreated, 0),
  };
}

export function runStatusText(run: RunSummary, tally: RunTally): string {
  switch (run.status) {
    case "QUEUED":
      return ":hourglass_flowing_sand: Looking up the stories";
    case "RUNNING":
      return tally.awaiting > 0 && tally.finished + tally.awaiting === tally.total
        ? ":memo: Waiting for review"
        : ":arrows_counterclockwise: Working";
    case "COMPLETED":
      return ":white_check_mark: Done";
    case "PARTIAL":
      return ":warning: Done, some stories failed";
    case "FAILED":
      return ":x: Failed";
  }
}

export function modeText(run: RunSummary): string {
  if (run.options.dryRun) return " · _dry run: nothing is created_";
  if (run.options.review) return " · _review: nothing is created before someone approves_";
  return "";
}

export function whoAsked(run: RunSummary): string {
  if (run.trigger === "SLASH_COMMAND") return `asked by ${mentionUser(run.requestedBy)}`;
  if (run.trigger === "LINEAR_AGENT") return `asked for in Linear${run.requestedByName ? ` (${inlineText(run.requestedByName, 80)})` : ""}`;
  if (run.trigger === "TRACKER_LABEL") return `started by a label${run.requestedByName ? ` (${inlineText(run.requestedByName, 80)})` : ""}`;
  return `started from the CLI${run.requestedByName ? ` by ${inlineText(run.requestedByName, 80)}` : ""}`;
}

/**
 * A reference as the person gave it, short: a key as code, a link (also as Slack wraps it,
 * `<url|label>`) as a link labelled with the key it points at.
 */
export function refText(input: string): string {
  const unwrapped = /^<([^<>|\s]+)(?:\|[^<>]*)?>$/.exec(input.trim())?.[1] ?? input.trim();
  if (!/^https?:\/\//i.test(unwrapped)) return `\`${inlineText(unwrapped, 60).replace(/`/g, "'")}\``;
  let url: URL;
  try {
    url = new URL(unwrapped);
  } catch {
    return inlineText(unwrapped, 80);
  }
  const key = /[A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*/.exec(`${url.pathname} ${url.search}`)?.[0];
  const label = key ? key.toUpperCase() : url.pathname.includes("/project/") ? "Linear project" : url.hostname;
  return link(url.toString(), label);
}

export function refsText(run: RunSummary): string {
  const shown = run.refs.slice(0, 10).map(refText);
  const more = run.refs.length > shown.length ? ` and ${run.refs.length - shown.length} more` : "";
  return shown.join(", ") + more;
}

export function storyLine(story: StoryProgress, run: RunSummary): string {
  const status = storyStatus(story, run.options);
  return `${status.icon} *${link(story.storyUrl, story.storyKey)}* ${inlineText(story.storyTitle, TITLE_CHARS)} · ${status.text}`;
}

function totals(run: RunSummary, tally: RunTally): Block {
  const created = run.options.dryRun ? ["*Proposed*", "nothing created (dry run)"] : ["*Created*", formatCount(run.subtasksCreated)];
  return fieldsSection([
    `${created[0]}\n${created[1]}`,
    `*Deleted*\n${formatCount(run.subtasksDeleted)}`,
    `*Failed*\n${plural(tally.failed, "story", "stories")}`,
    `*Tokens*\n${formatCount(run.tokensUsed)}`,
    `*Estimated cost*\n${formatCost(run.costUsd)}`,
    `*Duration*\n${formatDuration(run.durationMs)}`,
  ]);
}

export function runMessage({ run, stories }: RunProgress): SlackMessage {
  const tally = tallyStories(stories);
  const over = isRunOver(run.status);
  const status = runStatusText(run, tally);
  const blocks: Block[] = [section(`*Subtasks* for ${refsText(run)} · ${whoAsked(run)}${modeText(run)}`)];

  const counts = [
    tally.completed > 0 ? `${formatCount(tally.completed)} done` : "",
    tally.failed > 0 ? `${formatCount(tally.failed)} failed` : "",
    tally.skipped > 0 ? `${formatCount(tally.skipped)} skipped` : "",
    tally.awaiting > 0 ? `${formatCount(tally.awaiting)} waiting for review` : "",
  ].filter(Boolean);
  const bar = run.status === "QUEUED" && tally.total === 0 ? "" : `\`${progressBar(tally.finished, tally.total)}\`  `;
  blocks.push(section(`${bar}${status}${counts.length > 0 ? ` · ${counts.join(" · ")}` : ""}`));

  if (stories.length > 0) {
    const { texts, omitted } = packLines(stories.map((story) => storyLine(story, run)), STORY_LIST_SECTIONS);
    for (const text of texts) blocks.push(section(text));
    if (omitted > 0) blocks.push(context(`… and ${plural(omitted, "more story", "more stories")}: each has its reply in the thread`));
  }
  if (run.errorMsg) blocks.push(section(`:warning: ${inlineText(run.errorMsg, 1000)}`));
  // Said once for the run, however many of its stories it concerns.
  const linkNotes = new Set(stories.flatMap((story) => (story.linksUnavailable ? [story.linksUnavailable] : [])));
  for (const note of linkNotes) blocks.push(context(`:link: ${inlineText(note, 500)}`));
  // A run that failed before it had stories has no totals worth a table.
  if (over && tally.total > 0) blocks.push(totals(run, tally));
  blocks.push(context(`Run \`${escapeMrkdwn(run.runId)}\`${over ? "" : " · replies per story in the thread"}`));

  const fallback = `Subtasks: ${tally.finished}/${tally.total} stories · ${status.replace(/^:[a-z_]+: /, "")}`;
  return message(fallback, blocks);
}
