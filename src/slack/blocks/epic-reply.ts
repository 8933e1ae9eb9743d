// One reply per epic in a stories run's thread: the proposed stories with their acceptance
// criteria and points, then (in review) Create / Refine… / Regenerate / Discard, and once the
// stories exist, links to them and "Break these into subtasks".
import type { EpicProgress, RunSummary } from "../../runs/types.ts";
import { escapeMrkdwn, inlineText, link, mentionUser } from "../mrkdwn.ts";
import { formatCost, formatCount, formatDuration, plural } from "./format.ts";
import { context, message, packLines, section, type Block, type SlackMessage } from "./message.ts";
import { decidedText, type Decided } from "./story-reply.ts";

/** The buttons of an epic's reply; distinct from a story's, so each listener sees only its own. */
export const EPIC_ACTION_IDS = {
  create: "epic_create",
  refine: "epic_refine",
  regenerate: "epic_regenerate",
  discard: "epic_discard",
  chain: "epic_chain_subtasks",
} as const;

const BLOCK_ID_PREFIX = "epic-review:";
/** Sections the story list may fill (3,000 characters each; a message must stay well under 12,000). */
const STORY_SECTIONS = 3;
const TITLE_CHARS = 150;
const CRITERION_CHARS = 200;

export function epicBlockId(runId: string): string {
  return `${BLOCK_ID_PREFIX}${runId}`;
}

export function runIdOfEpicBlock(blockId: string | undefined): string | null {
  return blockId?.startsWith(BLOCK_ID_PREFIX) ? blockId.slice(BLOCK_ID_PREFIX.length) : null;
}

export function isEpicAwaitingReview(epic: Pick<EpicProgress, "status" | "reviewState">): boolean {
  return epic.status === "PENDING" && epic.reviewState === "AWAITING";
}

export function isEpicFinal(epic: Pick<EpicProgress, "status">): boolean {
  return epic.status === "COMPLETED" || epic.status === "FAILED" || epic.status === "SKIPPED";
}

/** An epic's state in a few words: the same in the parent message and the reply. */
export function epicStatus(epic: EpicProgress): { icon: string; text: string } {
  switch (epic.status) {
    case "COMPLETED":
      if (epic.dryRun) return { icon: ":test_tube:", text: `${plural(epic.stories.length, "story", "stories")} proposed (dry run)` };
      return { icon: ":white_check_mark:", text: `${plural(epic.storiesCreated, "story", "stories")} created${epic.storiesDeleted > 0 ? `, ${epic.storiesDeleted} replaced` : ""}` };
    case "FAILED":
      return { icon: ":x:", text: "failed" };
    case "SKIPPED":
      return epic.reviewState === "DISCARDED" ? { icon: ":wastebasket:", text: "discarded in review" } : { icon: ":next_track_button:", text: "skipped" };
    case "PENDING":
      if (epic.reviewState === "AWAITING") return { icon: ":memo:", text: "waiting for review" };
      if (epic.reviewState === "APPROVED") return { icon: ":hourglass_flowing_sand:", text: "approved, creating stories" };
      if (epic.stories.length > 0) return { icon: ":arrows_counterclockwise:", text: "making a new proposal" };
      return { icon: ":white_circle:", text: "queued" };
    case "GENERATING":
    case "RUNNING":
      return { icon: ":hourglass_flowing_sand:", text: "writing stories" };
    case "SAVING":
      return { icon: ":hourglass_flowing_sand:", text: "creating stories" };
  }
}

function storyText(story: EpicProgress["stories"][number], withLinks: boolean): string {
  const key = withLinks && story.key ? ` ${link(story.url, story.key)}` : "";
  const points = story.points !== null ? ` · *${plural(story.points, "point")}*` : "";
  const after = story.dependsOn.length > 0 ? ` · after ${story.dependsOn.map(escapeMrkdwn).join(", ")}` : "";
  const criteria = story.acceptanceCriteria.map((criterion) => `      ◦ ${inlineText(criterion, CRITERION_CHARS)}`);
  return [`• \`${escapeMrkdwn(story.code)}\`${key} *${inlineText(story.title, TITLE_CHARS)}*${points}${after}`, ...criteria].join("\n");
}

function reviewButtons(run: RunSummary, epic: EpicProgress): Block {
  const value = epic.runEpicId;
  return {
    type: "actions",
    block_id: epicBlockId(run.runId),
    elements: [
      { type: "button", action_id: EPIC_ACTION_IDS.create, text: { type: "plain_text", text: "Create" }, style: "primary", value },
      { type: "button", action_id: EPIC_ACTION_IDS.refine, text: { type: "plain_text", text: "Refine…" }, value },
      { type: "button", action_id: EPIC_ACTION_IDS.regenerate, text: { type: "plain_text", text: "Regenerate" }, value },
      {
        type: "button",
        action_id: EPIC_ACTION_IDS.discard,
        text: { type: "plain_text", text: "Discard" },
        style: "danger",
        value,
        confirm: {
          title: { type: "plain_text", text: "Discard these stories?" },
          text: { type: "plain_text", text: `No story will be created in ${epic.epicKey.slice(0, 100)}.` },
          confirm: { type: "plain_text", text: "Discard" },
          deny: { type: "plain_text", text: "Keep" },
        },
      },
    ],
  };
}

function chainButton(run: RunSummary, epic: EpicProgress): Block {
  return {
    type: "actions",
    block_id: epicBlockId(run.runId),
    elements: [{ type: "button", action_id: EPIC_ACTION_IDS.chain, text: { type: "plain_text", text: "Break these into subtasks" }, value: epic.runEpicId }],
  };
}

function usageText(epic: EpicProgress): string {
  return [
    epic.tokensUsed !== null ? `${formatCount(epic.tokensUsed)} tokens` : "",
    epic.costUsd !== null ? `${formatCost(epic.costUsd)} est.` : "",
    epic.durationMs !== null ? formatDuration(epic.durationMs) : "",
    epic.retryCount > 0 ? plural(epic.retryCount, "retry", "retries") : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

export function epicReply(run: RunSummary, epic: EpicProgress, decided?: Decided): SlackMessage {
  const status = epicStatus(epic);
  const title = `${status.icon} *${link(epic.epicUrl, epic.epicKey)}* ${inlineText(epic.epicTitle, TITLE_CHARS)}`;
  const blocks: Block[] = [section(`${title}\n${status.text[0]!.toUpperCase()}${status.text.slice(1)}`)];

  if (epic.status === "FAILED" || (epic.status === "SKIPPED" && epic.reviewState !== "DISCARDED")) {
    if (epic.errorMsg) blocks.push(section(`> ${inlineText(epic.errorMsg, 2000)}`));
    if (epic.status === "FAILED") blocks.push(context(`Try it again with \`/subtasks stories ${escapeMrkdwn(epic.epicKey)}\`.`));
  } else if (epic.stories.length > 0 && epic.reviewState !== "DISCARDED") {
    const created = epic.status === "COMPLETED" && !epic.dryRun;
    const { texts, omitted } = packLines(epic.stories.map((story) => storyText(story, created)), STORY_SECTIONS);
    blocks.push(...texts.map((text) => section(text)));
    if (omitted > 0) blocks.push(context(`… and ${plural(omitted, "more story", "more stories")}: see ${link(epic.epicUrl, epic.epicKey)}`));
    const points = epic.stories.reduce((sum, story) => sum + (story.points ?? 0), 0);
    const criteria = epic.stories.reduce((sum, story) => sum + story.acceptanceCriteria.length, 0);
    blocks.push(context([plural(epic.stories.length, "story", "stories"), plural(criteria, "acceptance criterion", "acceptance criteria"), points > 0 ? plural(points, "point") : ""].filter(Boolean).join(" · ")));
    if (epic.replaces.length > 0 && !created) {
      blocks.push(context(`Replaces ${plural(epic.replaces.length, "earlier story", "earlier stories")} nobody touched: ${epic.replaces.map(escapeMrkdwn).join(", ")}`));
    }
    if (epic.status === "COMPLETED" && epic.dryRun) {
      blocks.push(context(`Dry run: nothing was created. \`/subtasks stories ${escapeMrkdwn(epic.epicKey)}\` proposes them for review.`));
    }
  }

  const instruction = epic.instructions.at(-1);
  if (instruction && epic.status !== "COMPLETED") {
    const earlier = epic.instructions.length > 1 ? ` (and ${plural(epic.instructions.length - 1, "earlier one")})` : "";
    blocks.push(context(`:pencil2: Instruction: “${inlineText(instruction, 500)}”${earlier}`));
  }
  if (isEpicAwaitingReview(epic)) {
    blocks.push(reviewButtons(run, epic));
    blocks.push(context(`Only ${mentionUser(run.requestedBy)} or a workspace admin can decide.`));
  }
  if (epic.status === "COMPLETED" && !epic.dryRun && epic.storiesCreated > 0) {
    if (epic.chainedRunId) blocks.push(context(`:arrow_forward: Subtasks run \`${escapeMrkdwn(epic.chainedRunId)}\` is breaking these stories down.`));
    else blocks.push(chainButton(run, epic));
  }
  if (decided) blocks.push(context(decidedText(decided)));
  const usage = usageText(epic);
  if (usage) blocks.push(context(usage));
  return message(escapeMrkdwn(`${epic.epicKey}: ${status.text}`), blocks);
}
