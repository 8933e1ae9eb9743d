export interface CommentSubtask {
  readonly code: string;
  readonly title: string;
  readonly effort: string | null;
  readonly key: string | null;
  readonly url: string | null;
}

export interface StoryCommentInput {
  readonly runId: string;
  readonly subtasks: readonly CommentSubtask[];
  readonly deletedKeys: readonly string[];
  readonly threadUrl?: string | undefined;
  /** Why the dependencies are not linked in the tracker, when they could not be. */
  readonly linksUnavailable?: string | null | undefined;
}

/** Why a story ends without subtasks, as RunStory.errorMsg and the Slack reply say it. */
export function noBreakdownMessage(reason: string): string {
  return `no breakdown needed: ${reason}`;
}

/** The note left on a story the model found small enough to do as it is. */
export function noBreakdownComment(input: {
  readonly runId: string;
  readonly storyKey: string;
  readonly reason: string;
  readonly threadUrl?: string | undefined;
}): string {
  const lines = [`**subtasks-bot** found no breakdown needed (run \`${input.runId}\`): ${input.reason}`];
  lines.push("", `To get subtasks anyway, ask for a count: \`/subtasks ${input.storyKey} --count 2-4\`.`);
  if (input.threadUrl) lines.push("", `[Discussion in Slack](${input.threadUrl})`);
  return lines.join("\n");
}

/** The short note left on the story after its subtasks exist: a list with links. */
export function storyComment(input: StoryCommentInput): string {
  const count = input.subtasks.length;
  const lines = [`**subtasks-bot** created ${count} subtask${count === 1 ? "" : "s"} (run \`${input.runId}\`):`, ""];
  for (const subtask of input.subtasks) {
    const link = subtask.key && subtask.url ? `[${subtask.key}](${subtask.url})` : (subtask.key ?? subtask.code);
    lines.push(`- ${link} ${subtask.code} · ${subtask.title}${subtask.effort ? ` (${subtask.effort})` : ""}`);
  }
  if (input.deletedKeys.length > 0) {
    lines.push("", `Replaced ${input.deletedKeys.length} earlier subtask${input.deletedKeys.length === 1 ? "" : "s"} nobody had touched: ${input.deletedKeys.join(", ")}.`);
  }
  if (input.linksUnavailable) lines.push("", input.linksUnavailable);
  if (input.threadUrl) lines.push("", `[Discussion in Slack](${input.threadUrl})`);
  return lines.join("\n");
}
