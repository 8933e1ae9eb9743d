// Refine… on a story in review: the button opens a modal (views.open with the click's
// trigger_id, which expires in 3 s, so only the permission check comes first); the modal's
// submission makes the run layer build a new proposal from the story, the one shown and the
// instruction. Only the person who started the run or a workspace admin may refine, checked at
// both steps. https://docs.slack.dev/interactivity/handling-user-interaction#modals
import type { App, BlockAction, ButtonAction, RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { AccessGuard } from "../../access/guard.ts";
import type { Logger } from "../../log/logger.ts";
import type { RunService } from "../../runs/service.ts";
import { escapeMrkdwn, mentionUser } from "../mrkdwn.ts";
import { parseRefineMetadata, REFINE_BLOCK_ID, REFINE_CALLBACK_ID, REFINE_INPUT_ID, refineModal } from "../blocks/refine-modal.ts";
import { errorReference, somethingWentWrong, somethingWentWrongPlain } from "../blocks/something-went-wrong.ts";
import { REFINE_ACTION_ID, runIdOfReviewBlock } from "../blocks/story-reply.ts";
import { isAwaitingReview, storyStatus } from "../blocks/story-status.ts";
import { slackErrorCode } from "../client.ts";
import type { SlackReporter } from "../reporter.ts";
import type { SlackPermissions } from "../permissions.ts";
import { checkStoryAccess } from "../story-access.ts";

export interface RefineDeps {
  readonly client: WebClient;
  readonly runs: Pick<RunService, "loadRunProgress" | "refineReview">;
  readonly reporter: Pick<SlackReporter, "showDecision">;
  readonly permissions: Pick<SlackPermissions, "check">;
  readonly access: Pick<AccessGuard, "check">;
  readonly logger: Logger;
}

export function registerRefine(app: App, deps: RefineDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: REFINE_ACTION_ID }, async ({ ack, body, action, respond }) => {
    await ack();
    await openRefine(deps, { userId: body.user.id, triggerId: body.trigger_id, runId: runIdOfReviewBlock(action.block_id), runStoryId: action.value }, respond);
  });
  app.view(REFINE_CALLBACK_ID, async ({ ack, body, view }) => {
    const instruction = view.state.values[REFINE_BLOCK_ID]?.[REFINE_INPUT_ID]?.value?.trim() ?? "";
    const problem = await submitRefine(deps, body.user.id, parseRefineMetadata(view.private_metadata), instruction);
    await ack(problem ? { response_action: "errors", errors: { [REFINE_BLOCK_ID]: problem } } : undefined);
  });
}

async function tell(respond: RespondFn, logger: Logger, text: string): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    logger.warn({ error: slackErrorCode(error) }, "could not answer the Refine button"),
  );
}

async function openRefine(
  deps: RefineDeps,
  click: { userId: string; triggerId: string; runId: string | null; runStoryId: string | undefined },
  respond: RespondFn,
): Promise<void> {
  const { runId, runStoryId } = click;
  if (!runId || !runStoryId) return tell(respond, deps.logger, "This button does not belong to a story in review any more.");
  try {
    const progress = await deps.runs.loadRunProgress(runId);
    const story = progress?.stories.find((candidate) => candidate.runStoryId === runStoryId);
    if (!progress || !story) return tell(respond, deps.logger, "I cannot find this story's run any more, so there is nothing to refine.");
    const permission = await deps.permissions.check(click.userId, progress.run);
    if (permission === "refused" || permission === "unknown") {
      const why = permission === "unknown" ? " (I could not check whether you are a workspace admin)" : "";
      return tell(respond, deps.logger, `Only ${mentionUser(progress.run.requestedBy)}, who started this run, or a workspace admin can refine ${escapeMrkdwn(story.storyKey)}${why}.`);
    }
    const access = await checkStoryAccess(deps.access, click.userId, progress.run, story, "refine");
    if (!access.allowed) return tell(respond, deps.logger, access.message);
    if (!isAwaitingReview(story)) {
      return tell(respond, deps.logger, `${escapeMrkdwn(story.storyKey)} is not waiting for review: it is ${storyStatus(story, progress.run.options).text}.`);
    }
    await deps.client.views.open({ trigger_id: click.triggerId, view: refineModal({ runId, runStoryId }, story) });
  } catch (error) {
    const reference = errorReference();
    deps.logger.error({ err: error, reference, runId, runStoryId }, "could not open the Refine modal");
    await tell(respond, deps.logger, somethingWentWrong({ doing: "opening Refine", consequence: "Nothing changed; please try again.", reference }).text);
  }
}

/** Applies a submitted instruction; returns the problem to show under the input, or null. */
async function submitRefine(
  deps: RefineDeps,
  userId: string,
  target: { runId: string; runStoryId: string } | null,
  instruction: string,
): Promise<string | null> {
  if (!target) return "This form no longer belongs to a story; open Refine again from the story's reply.";
  if (instruction.length < 3) return "Say what should change, in a few words.";
  try {
    const progress = await deps.runs.loadRunProgress(target.runId);
    const story = progress?.stories.find((candidate) => candidate.runStoryId === target.runStoryId);
    if (!progress || !story) return "I cannot find this story's run any more.";
    const permission = await deps.permissions.check(userId, progress.run);
    if (permission === "refused" || permission === "unknown") return "Only the person who started this run or a workspace admin can refine it.";
    const access = await checkStoryAccess(deps.access, userId, progress.run, story, "refine");
    if (!access.allowed) return access.message;
    const outcome = await deps.runs.refineReview(target.runStoryId, instruction);
    if (outcome === "not-found") return "I cannot find this story's run any more.";
    if (outcome === "already-decided") return `${story.storyKey} was already decided, so it cannot be refined now.`;
    deps.logger.info({ runId: target.runId, runStoryId: target.runStoryId, userId, permission }, "review refined");
    await deps.reporter.showDecision(target.runId, target.runStoryId, { decision: "refine", by: userId, instruction });
    return null;
  } catch (error) {
    const reference = errorReference();
    deps.logger.error({ err: error, reference, ...target }, "Refine failed");
    return somethingWentWrongPlain({ consequence: "Nothing changed; please try again.", reference });
  }
}
