// One reply per story in the run's thread: its subtasks (code, title, effort, link to the
// sub-issue), their total effort beside the story's estimate, or its error or the reason it
// needs no breakdown; in review mode, the proposal with Create / Refine… / Regenerate / Discard.
import type { ReviewDecision } from "../../runs/service.ts";
import type { RunSummary, StoryProgress } from "../../runs/types.ts";
import { escapeMrkdwn, inlineText, link, mentionUser } from "../mrkdwn.ts";
import { totalHours } from "../../effort/effort.ts";
import { formatCost, formatCount, formatDuration, formatWorkTotal, plural } from "./format.ts";
import { context, message, packLines, section, type Block, type SlackMessage } from "./message.ts";
import { isAwaitingReview, isWaitingForSpend, storyStatus } from "./story-status.ts";

export const REVIEW_ACTION_IDS: Record<ReviewDecision, string> = {
  create: "review_create",
  regenerate: "review_regenerate",
  discard: "review_discard",
};

/** Opens the Refine modal; not a decision by itself (the modal's submission is). */
export const REFINE_ACTION_ID = "review_refine";

const BLOCK_ID_PREFIX = "review:";
const SUBTASK_SECTIONS = 2;
const TITLE_CHARS = 150;

/** The actions block carries the run id, so a click can be checked against who started the run. */
export function reviewBlockId(runId: string): string {
  return `${BLOCK_ID_PREFIX}${runId}`;
}

export function runIdOfReviewBlock(blockId: string | undefined): string | null {
  return blockId?.startsWith(BLOCK_ID_PREFIX) ? blockId.slice(BLOCK_ID_PREFIX.length) : null;
}

export function decisionOfAction(actionId: string): ReviewDecision | null {
  const entry = Object.entries(REVIEW_ACTION_IDS).find(([, id]) => id === actionId);
  return entry ? (entry[0] as ReviewDecision) : null;
}

export type Decided =
  | { readonly decision: ReviewDecision; readonly by: string }
  | { readonly decision: "refine"; readonly by: string; readonly instruction: string };

const decisionText: Record<Decided["decision"], string> = {
  create: ":white_check_mark: Create",
  regenerate: ":arrows_counterclockwise: Regenerate",
  discard: ":wastebasket: Discard",
  refine: ":pencil2: Refine",
};

/** "Create chosen by @ann", said under a reply once someone decided. */
export function decidedText(decided: Decided): string {
  const what = `${decisionText[decided.decision]} chosen by ${mentionUser(decided.by)}`;
  return decided.decision === "refine" ? `${what}: “${inlineText(decided.instruction, 300)}”` : what;
}

/** "6 subtasks · about 3.5 days · story estimate 5 points" */
export function workSummary(story: StoryProgress): string {
  if (story.subtasks.length === 0) return "";
  const parts = [plural(story.subtasks.length, "subtask"), formatWorkTotal(totalHours(story.subtasks.map((subtask) => subtask.effort)))];
  if (story.storyEstimate !== null) parts.push(`story estimate ${plural(story.storyEstimate, "point")}`);
  return parts.filter(Boolean).join(" · ");
}

function subtaskLine(subtask: StoryProgress["subtasks"][number], withLinks: boolean): string {
  const key = withLinks && subtask.key ? ` ${link(subtask.url, subtask.key)}` : "";
  const effort = subtask.effort ? ` · *${escapeMrkdwn(subtask.effort)}*` : "";
  return `• \`${escapeMrkdwn(subtask.code)}\`${key} ${inlineText(subtask.title, TITLE_CHARS)}${effort}`;
}

function subtaskBlocks(story: StoryProgress, withLinks: boolean): Block[] {
  if (story.subtasks.length === 0) return [];
  const { texts, omitted } = packLines(story.subtasks.map((subtask) => subtaskLine(subtask, withLinks)), SUBTASK_SECTIONS);
  const blocks = texts.map((text) => section(text));
  if (omitted > 0) blocks.push(context(`… and ${plural(omitted, "more subtask")}: see ${link(story.storyUrl, story.storyKey)}`));
  return blocks;
}

function usageText(story: StoryProgress): string {
  const parts = [
    story.tokensUsed !== null ? `${formatCount(story.tokensUsed)} tokens` : "",
    story.costUsd !== null ? `${formatCost(story.costUsd)} est.` : "",
    story.durationMs !== null ? formatDuration(story.durationMs) : "",
    story.retryCount > 0 ? plural(story.retryCount, "retry", "retries") : "",
  ].filter(Boolean);
  return parts.join(" · ");
}

function reviewButtons(run: RunSummary, story: StoryProgress): Block {
  return {
    type: "actions",
    block_id: reviewBlockId(run.runId),
    elements: [
      { type: "button", action_id: REVIEW_ACTION_IDS.create, text: { type: "plain_text", text: "Create" }, style: "primary", value: story.runStoryId },
      { type: "button", action_id: REFINE_ACTION_ID, text: { type: "plain_text", text: "Refine…" }, value: story.runStoryId },
      { type: "button", action_id: REVIEW_ACTION_IDS.regenerate, text: { type: "plain_text", text: "Regenerate" }, value: story.runStoryId },
      {
        type: "button",
        action_id: REVIEW_ACTION_IDS.discard,
        text: { type: "plain_text", text: "Discard" },
        style: "danger",
        value: story.runStoryId,
        confirm: {
          title: { type: "plain_text", text: "Discard these subtasks?" },
          text: { type: "plain_text", text: `Nothing will be created for ${story.storyKey.slice(0, 100)}.` },
          confirm: { type: "plain_text", text: "Discard" },
          deny: { type: "plain_text", text: "Keep" },
        },
      },
    ],
  };
}

export function storyReply(run: RunSummary, story: StoryProgress, decided?: Decided): SlackMessage {
  const status = storyStatus(story, run.options);
  const title = `${status.icon} *${link(story.storyUrl, story.storyKey)}* ${inlineText(story.storyTitle, TITLE_CHARS)}`;
  const blocks: Block[] = [section(`${title}\n${status.text[0]?.toUpperCase()}${status.text.slice(1)}`)];

  if (story.status === "SKIPPED" && story.verdict === "no_breakdown") {
    blocks.push(section(`> ${inlineText(story.reason ?? "", 2000)}`));
    blocks.push(context(`To get subtasks anyway, ask for a count: \`/subtasks ${escapeMrkdwn(story.storyKey)} --count 2-4\`.`));
  } else if (story.status === "FAILED" || story.status === "SKIPPED" || isWaitingForSpend(story)) {
    if (story.errorMsg) blocks.push(section(`> ${inlineText(story.errorMsg, 2000)}`));
    if (story.status === "FAILED") blocks.push(context(`Try it again with \`/subtasks ${escapeMrkdwn(story.storyKey)}\`.`));
  } else {
    blocks.push(...subtaskBlocks(story, story.status === "COMPLETED" && !run.options.dryRun));
    const work = workSummary(story);
    if (work) blocks.push(context(work));
    if (story.status === "COMPLETED" && run.options.dryRun) {
      blocks.push(context(`Dry run: nothing was created. \`/subtasks ${escapeMrkdwn(story.storyKey)}\` creates them.`));
    }
  }

  const instruction = story.instructions.at(-1);
  if (instruction && story.status !== "COMPLETED") {
    const earlier = story.instructions.length > 1 ? ` (and ${plural(story.instructions.length - 1, "earlier one")})` : "";
    blocks.push(context(`:pencil2: Instruction: “${inlineText(instruction, 500)}”${earlier}`));
  }
  if (isAwaitingReview(story)) {
    blocks.push(reviewButtons(run, story));
    blocks.push(context(`Only ${mentionUser(run.requestedBy)} or a workspace admin can decide.`));
  }
  if (decided) blocks.push(context(decidedText(decided)));
  const usage = usageText(story);
  if (usage) blocks.push(context(usage));

  return message(escapeMrkdwn(`${story.storyKey}: ${status.text}`), blocks);
}
