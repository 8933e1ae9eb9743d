// A stories run's parent message: who asked, the epics with their state, and once the run is
// over, its totals. Rendered from the database like a subtasks run's (run-message.ts).
import { isRunOver } from "../../runs/states.ts";
import type { EpicProgress, RunSummary } from "../../runs/types.ts";
import { escapeMrkdwn, inlineText, link } from "../mrkdwn.ts";
import { epicStatus, isEpicAwaitingReview, isEpicFinal } from "./epic-reply.ts";
import { formatCost, formatCount, formatDuration, plural, progressBar } from "./format.ts";
import { context, fieldsSection, message, packLines, section, type Block, type SlackMessage } from "./message.ts";
import { modeText, refsText, whoAsked } from "./run-message.ts";

const EPIC_LIST_SECTIONS = 2;

export function storiesRunStatusText(run: RunSummary, epics: readonly EpicProgress[]): string {
  const awaiting = epics.filter(isEpicAwaitingReview).length;
  const finished = epics.filter(isEpicFinal).length;
  switch (run.status) {
    case "QUEUED":
      return ":hourglass_flowing_sand: Reading the epics";
    case "RUNNING":
      return awaiting > 0 && awaiting + finished === epics.length ? ":memo: Waiting for review" : ":arrows_counterclockwise: Working";
    case "COMPLETED":
      return ":white_check_mark: Done";
    case "PARTIAL":
      return ":warning: Done, some epics failed";
    case "FAILED":
      return ":x: Failed";
  }
}

/** What makes a parent update worth a Slack call (see reporter.parentMilestone). */
export function storiesRunMilestone(run: RunSummary, epics: readonly EpicProgress[]): string {
  return [storiesRunStatusText(run, epics), ...epics.map((epic) => `${epic.status}:${epic.reviewState}`), run.errorMsg ?? ""].join("|");
}

export function storiesRunMessage(run: RunSummary, epics: readonly EpicProgress[]): SlackMessage {
  const over = isRunOver(run.status);
  const status = storiesRunStatusText(run, epics);
  const finished = epics.filter(isEpicFinal).length;
  const blocks: Block[] = [section(`*Stories* for ${refsText(run)} · ${whoAsked(run)}${modeText(run)}`)];
  const bar = epics.length === 0 ? "" : `\`${progressBar(finished, epics.length)}\`  `;
  blocks.push(section(`${bar}${status}`));
  if (epics.length > 0) {
    const lines = epics.map((epic) => {
      const state = epicStatus(epic);
      return `${state.icon} *${link(epic.epicUrl, epic.epicKey)}* ${inlineText(epic.epicTitle, 90)} · ${state.text}`;
    });
    const { texts, omitted } = packLines(lines, EPIC_LIST_SECTIONS);
    blocks.push(...texts.map((text) => section(text)));
    if (omitted > 0) blocks.push(context(`… and ${plural(omitted, "more epic")}: each has its reply in the thread`));
  }
  if (run.errorMsg) blocks.push(section(`:warning: ${inlineText(run.errorMsg, 1000)}`));
  if (over && epics.length > 0) {
    const failed = epics.filter((epic) => epic.status === "FAILED").length;
    blocks.push(
      fieldsSection([
        run.options.dryRun ? "*Proposed*\nnothing created (dry run)" : `*Stories created*\n${formatCount(run.storiesCreated)}`,
        `*Replaced*\n${formatCount(run.storiesDeleted)}`,
        `*Failed*\n${plural(failed, "epic")}`,
        `*Tokens*\n${formatCount(run.tokensUsed)}`,
        `*Estimated cost*\n${formatCost(run.costUsd)}`,
        `*Duration*\n${formatDuration(run.durationMs)}`,
      ]),
    );
  }
  blocks.push(context(`Run \`${escapeMrkdwn(run.runId)}\`${over ? "" : " · one reply per epic in the thread"}`));
  return message(`Stories: ${finished}/${epics.length} epics · ${status.replace(/^:[a-z_]+: /, "")}`, blocks);
}
