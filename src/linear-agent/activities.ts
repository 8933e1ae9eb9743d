// What the bot says in a Linear agent session, built from a story's progress: pure functions,
// so the tests read the exact activities and plans without a server. Bodies are Linear markdown;
// text from the tracker or the model is escaped, and plain Linear URLs are left as they are so
// Linear renders them as mentions. https://linear.app/developers/agent-interaction
import type { StoryProgress } from "../runs/types.ts";
import { formatCost, plural } from "../slack/blocks/format.ts";
import { workSummary } from "../slack/blocks/story-reply.ts";

export type ActivityContent =
  | { readonly type: "thought"; readonly body: string }
  | { readonly type: "action"; readonly action: string; readonly parameter: string; readonly result?: string }
  | { readonly type: "elicitation"; readonly body: string }
  | { readonly type: "response"; readonly body: string }
  | { readonly type: "error"; readonly body: string };

export type PlanStatus = "pending" | "inProgress" | "completed" | "canceled";

export interface PlanStep {
  readonly content: string;
  readonly status: PlanStatus;
}

export interface ExternalUrl {
  readonly label: string;
  readonly url: string;
}

/** The choices under a proposal; a reply with other text is an instruction to refine it. */
export const REVIEW_OPTIONS = [
  { label: "Create", value: "create" },
  { label: "Discard", value: "discard" },
] as const;

/** Subtasks listed in one activity, at most; the rest are counted, with a link to the story. */
export const SHOWN_SUBTASKS = 15;
const TITLE_CHARS = 200;

/** Markdown's active characters escaped, line breaks folded, so tracker and model text stays text. */
export function escapeMarkdown(text: string, max = TITLE_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/[\\`*_[\]<>|#~]/g, (char) => `\\${char}`);
}

/** The first thing said, within seconds of being asked: what the bot is and what it is doing. */
export function readingThought(storyKey: string): ActivityContent {
  return {
    type: "thought",
    body: `Reading ${escapeMarkdown(storyKey)}, its epic and its existing sub-issues. I am subtasks-bot, an agent: I propose subtasks and create nothing until you approve.`,
  };
}

/** Said when work on the story is taken up again (after a crash, a deploy or a retry). */
export function resumedThought(storyKey: string): ActivityContent {
  return { type: "thought", body: `Resumed work on ${escapeMarkdown(storyKey)} where it stopped; nothing done before is repeated.` };
}

export function generatingAction(story: StoryProgress): ActivityContent {
  const latest = story.instructions.at(-1);
  return {
    type: "action",
    action: "Generating subtasks",
    parameter: latest ? `${story.storyKey} with “${escapeMarkdown(latest, 300)}”` : story.storyKey,
  };
}

export function generatedAction(story: StoryProgress): ActivityContent {
  return {
    type: "action",
    action: "Generated subtasks",
    parameter: story.storyKey,
    result: `${plural(story.subtasks.length, "subtask")} proposed · ${plural(story.tokensUsed ?? 0, "token")} · ${formatCost(story.costUsd)}`,
  };
}

export function creatingAction(story: StoryProgress): ActivityContent {
  return { type: "action", action: "Creating sub-issues", parameter: `${plural(story.subtasks.length, "sub-issue")} of ${story.storyKey}` };
}

export function createdAction(story: StoryProgress): ActivityContent {
  const deleted = story.subtasksDeleted > 0 ? `, ${plural(story.subtasksDeleted, "untouched earlier sub-issue")} replaced` : "";
  return {
    type: "action",
    action: "Created sub-issues",
    parameter: story.storyKey,
    result: `${plural(story.subtasksCreated, "sub-issue")} created${deleted}`,
  };
}

function subtaskLines(story: StoryProgress, withLinks: boolean): string[] {
  const shown = story.subtasks.slice(0, SHOWN_SUBTASKS).map((subtask) => {
    const effort = subtask.effort ? ` · ${escapeMarkdown(subtask.effort, 20)}` : "";
    const covers = subtask.criteria && subtask.criteria.length > 0 ? ` · covers: ${subtask.criteria.map((c) => escapeMarkdown(c, 80)).join("; ")}` : "";
    const link = withLinks && subtask.url ? ` ${subtask.url}` : "";
    return `- **${escapeMarkdown(subtask.code, 10)}**${link} ${escapeMarkdown(subtask.title)}${effort}${covers}`;
  });
  const omitted = story.subtasks.length - shown.length;
  if (omitted > 0) shown.push(`- … and ${plural(omitted, "more subtask")}: see ${story.storyUrl ?? story.storyKey}`);
  return shown;
}

/** The proposal, waiting for a person: Create or Discard, or a reply with changes. */
export function proposalElicitation(story: StoryProgress): {
  readonly content: ActivityContent;
  readonly signal: "select";
  readonly signalMetadata: { readonly options: readonly { label: string; value: string }[] };
} {
  const summary = workSummary(story);
  const body = [
    `Proposed subtasks for ${escapeMarkdown(story.storyKey)}${summary ? ` (${summary})` : ""}:`,
    "",
    ...subtaskLines(story, false),
    "",
    ...(story.reason ? [`Why: ${escapeMarkdown(story.reason, 500)}`, ""] : []),
    "Choose **Create** to create them as sub-issues, or **Discard**. To change them, reply with what to change (for example “backend only” or “split the migration out”).",
  ].join("\n");
  return { content: { type: "elicitation", body }, signal: "select", signalMetadata: { options: REVIEW_OPTIONS.map((option) => ({ ...option })) } };
}

/** The story's last word: created, discarded, stopped, nothing to do, or why it failed. */
export function finalActivity(story: StoryProgress, stopped: boolean): ActivityContent | null {
  switch (story.status) {
    case "COMPLETED": {
      const summary = workSummary(story);
      const body = [
        `Created ${plural(story.subtasksCreated, "sub-issue")} of ${escapeMarkdown(story.storyKey)}${summary ? ` (${summary})` : ""}:`,
        "",
        ...subtaskLines(story, true),
        "",
        `Tokens: ${plural(story.tokensUsed ?? 0, "token")}, about ${formatCost(story.costUsd)}.`,
      ].join("\n");
      return { type: "response", body };
    }
    case "SKIPPED":
      if (stopped) return { type: "response", body: `Stopped. Nothing more was created for ${escapeMarkdown(story.storyKey)}.` };
      if (story.reviewState === "DISCARDED") return { type: "response", body: `Discarded. Nothing was created for ${escapeMarkdown(story.storyKey)}.` };
      if (story.verdict === "no_breakdown") {
        return { type: "response", body: `${escapeMarkdown(story.storyKey)} needs no breakdown: ${escapeMarkdown(story.reason ?? "", 500)}` };
      }
      return { type: "response", body: `Nothing to do for ${escapeMarkdown(story.storyKey)}: ${escapeMarkdown(story.errorMsg ?? "skipped", 500)}` };
    case "FAILED":
      return { type: "error", body: `I could not finish ${escapeMarkdown(story.storyKey)}: ${plainReason(story.errorMsg)}` };
    default:
      return null;
  }
}

/** The reason a person can act on; the technical detail stays on the RunStory. */
export function plainReason(errorMsg: string | null): string {
  if (!errorMsg) return "something went wrong.";
  const first = errorMsg.split(/;\s|\n/)[0] ?? errorMsg;
  // Status codes and request ids are for operators (they stay in RunStory.errorMsg).
  const plain = first.replace(/^[a-z_]+:\s*/, "").replace(/\s*\((?:HTTP|request)\b[^)]*\)/g, "");
  return escapeMarkdown(plain, 300);
}

/** A run that could not start on the issue (an epic, a missing story). */
export function unableResponse(reason: string, triggerLabel: string): ActivityContent {
  return {
    type: "response",
    body: [
      `I cannot plan this: ${escapeMarkdown(reason, 500)}.`,
      "",
      `I break one story down into subtasks. Delegate a story to me or mention me on it; to break down every story of an epic, add the label \`${escapeMarkdown(triggerLabel, 100)}\` to the epic.`,
    ].join("\n"),
  };
}

const STEP_NAMES = {
  read: (key: string) => `Read ${key}, its epic and its sub-issues`,
  generate: () => "Generate subtasks with Claude",
  approve: () => "Wait for your approval",
  create: () => "Create the sub-issues",
};

/**
 * The session's plan for a story, kept current as it moves: read → generate → (approve) →
 * create. Steps not reached when the story ends short are canceled.
 */
export function planFor(story: StoryProgress, withApproval: boolean, stopped: boolean): PlanStep[] {
  const steps = (["read", "generate", ...(withApproval ? ["approve" as const] : []), "create"] as const).map((name) => ({
    name,
    content: STEP_NAMES[name](story.storyKey),
  }));
  const index = (name: (typeof steps)[number]["name"]) => {
    const found = steps.findIndex((step) => step.name === name);
    return found >= 0 ? found : steps.findIndex((step) => step.name === "create");
  };
  const ended = story.status === "FAILED" || story.status === "SKIPPED" || stopped;
  const reached = (() => {
    if (story.status === "COMPLETED") return steps.length;
    if (story.status === "SAVING" || story.reviewState === "APPROVED") return index("create");
    if (story.reviewState === "AWAITING" || story.reviewState === "DISCARDED") return index("approve");
    if (story.status === "GENERATING") return 1;
    if (ended) return story.verdict ? 2 : 1;
    return 0;
  })();
  return steps.map((step, position) => ({
    content: step.content,
    status: position < reached ? "completed" : position === reached ? (ended ? "canceled" : "inProgress") : ended ? "canceled" : "pending",
  }));
}
