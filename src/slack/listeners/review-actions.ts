// The Create / Regenerate / Discard buttons of a story in review. Only the person who started
// the run or a workspace admin may decide; the decision is a guarded update in the run layer,
// so a double click (or two people at once) acts once and the second hears it was decided.
// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
import type { App, BlockAction, ButtonAction, RespondFn } from "@slack/bolt";
import type { AccessGuard } from "../../access/guard.ts";
import type { Logger } from "../../log/logger.ts";
import type { RunService } from "../../runs/service.ts";
import { escapeMrkdwn, mentionUser } from "../mrkdwn.ts";
import { decisionOfAction, REVIEW_ACTION_IDS, runIdOfReviewBlock } from "../blocks/story-reply.ts";
import { storyStatus } from "../blocks/story-status.ts";
import { errorReference, somethingWentWrong } from "../blocks/something-went-wrong.ts";
import { slackErrorCode } from "../client.ts";
import type { SlackReporter } from "../reporter.ts";
import type { SlackPermissions } from "../permissions.ts";
import { checkStoryAccess } from "../story-access.ts";

export interface ReviewDeps {
  readonly runs: Pick<RunService, "loadRunProgress" | "decideReview">;
  readonly reporter: Pick<SlackReporter, "showDecision">;
  readonly permissions: Pick<SlackPermissions, "check">;
  readonly access: Pick<AccessGuard, "check">;
  readonly logger: Logger;
}

const actionIds = new RegExp(`^(?:${Object.values(REVIEW_ACTION_IDS).join("|")})$`);

export function registerReviewActions(app: App, deps: ReviewDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: actionIds }, async ({ ack, body, action, respond }) => {
    await ack();
    await handleReviewAction(deps, body.user.id, action, respond);
  });
}

async function tell(respond: RespondFn, logger: Logger, text: string): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    logger.warn({ error: slackErrorCode(error) }, "could not answer a review button"),
  );
}

export async function handleReviewAction(deps: ReviewDeps, userId: string, action: ButtonAction, respond: RespondFn): Promise<void> {
  const decision = decisionOfAction(action.action_id);
  const runId = runIdOfReviewBlock(action.block_id);
  const runStoryId = action.value;
  if (!decision || !runId || !runStoryId) {
    return tell(respond, deps.logger, "This button does not belong to a story in review any more. Start the run again with `/subtasks KEY --review`.");
  }
  try {
    const progress = await deps.runs.loadRunProgress(runId);
    const story = progress?.stories.find((candidate) => candidate.runStoryId === runStoryId);
    if (!progress || !story) return tell(respond, deps.logger, "I cannot find this story's run any more, so there is nothing to decide.");

    const permission = await deps.permissions.check(userId, progress.run);
    if (permission === "refused" || permission === "unknown") {
      const why = permission === "unknown" ? " (I could not check whether you are a workspace admin)" : "";
      return tell(
        respond,
        deps.logger,
        `Only ${mentionUser(progress.run.requestedBy)}, who started this run, or a workspace admin can decide on ${escapeMrkdwn(story.storyKey)}${why}.`,
      );
    }

    const access = await checkStoryAccess(deps.access, userId, progress.run, story, "review");
    if (!access.allowed) return tell(respond, deps.logger, access.message);

    const outcome = await deps.runs.decideReview(runStoryId, decision);
    if (outcome === "not-found") return tell(respond, deps.logger, "I cannot find this story's run any more, so there is nothing to decide.");
    if (outcome === "already-decided") {
      const now = (await deps.runs.loadRunProgress(runId))?.stories.find((candidate) => candidate.runStoryId === runStoryId) ?? story;
      return tell(respond, deps.logger, `${escapeMrkdwn(story.storyKey)} was already decided: it is ${storyStatus(now, progress.run.options).text}.`);
    }
    deps.logger.info({ runId, runStoryId, decision, userId, permission }, "review decided");
    await deps.reporter.showDecision(runId, runStoryId, { decision, by: userId });
  } catch (error) {
    const reference = errorReference();
    deps.logger.error({ err: error, reference, runId, runStoryId, decision }, "review button failed");
    await tell(respond, deps.logger, somethingWentWrong({ consequence: "Nothing was decided; please try again.", reference }).text);
  }
}
