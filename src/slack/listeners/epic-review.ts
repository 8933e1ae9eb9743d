// The buttons of an epic's reply in a stories run: Create / Refine… / Regenerate / Discard while
// its stories wait for review, and "Break these into subtasks" once they exist. The same rules
// as a story's review (review-actions.ts, refine.ts): only the person who started the run or a
// workspace admin decides, and each decision is a guarded update, so a double click acts once.
import type { App, BlockAction, ButtonAction, RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../log/logger.ts";
import type { ReviewDecision, RunService } from "../../runs/service.ts";
import type { EpicProgress, RunSummary } from "../../runs/types.ts";
import { EPIC_ACTION_IDS, epicStatus, isEpicAwaitingReview, runIdOfEpicBlock } from "../blocks/epic-reply.ts";
import { EPIC_REFINE_CALLBACK_ID, epicRefineModal, parseEpicRefineMetadata, REFINE_BLOCK_ID, REFINE_INPUT_ID } from "../blocks/refine-modal.ts";
import { errorReference, somethingWentWrong, somethingWentWrongPlain } from "../blocks/something-went-wrong.ts";
import { slackErrorCode } from "../client.ts";
import { escapeMrkdwn, mentionUser } from "../mrkdwn.ts";
import type { SlackPermissions } from "../permissions.ts";
import type { AccessGuard } from "../../access/guard.ts";
import { checkStoryAccess } from "../story-access.ts";
import type { SlackReporter } from "../reporter.ts";

export interface EpicReviewDeps {
  readonly client: WebClient;
  readonly runs: Pick<RunService, "loadRunProgress" | "loadEpicProgress" | "decideEpicReview" | "refineEpicReview" | "chainSubtasks">;
  readonly reporter: Pick<SlackReporter, "showEpicDecision" | "openThread">;
  readonly permissions: Pick<SlackPermissions, "check">;
  readonly access: Pick<AccessGuard, "check">;
  readonly logger: Logger;
}

const DECISIONS: Record<string, ReviewDecision> = {
  [EPIC_ACTION_IDS.create]: "create",
  [EPIC_ACTION_IDS.regenerate]: "regenerate",
  [EPIC_ACTION_IDS.discard]: "discard",
};
const decisionIds = new RegExp(`^(?:${Object.keys(DECISIONS).join("|")})$`);

export function registerEpicReview(app: App, deps: EpicReviewDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: decisionIds }, async ({ ack, body, action, respond }) => {
    await ack();
    await decide(deps, body.user.id, action, respond);
  });
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: EPIC_ACTION_IDS.refine }, async ({ ack, body, action, respond }) => {
    await ack();
    await openRefine(deps, body.user.id, body.trigger_id, action, respond);
  });
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: EPIC_ACTION_IDS.chain }, async ({ ack, body, action, respond }) => {
    await ack();
    await chain(deps, body.user, action, respond);
  });
  app.view(EPIC_REFINE_CALLBACK_ID, async ({ ack, body, view }) => {
    const instruction = view.state.values[REFINE_BLOCK_ID]?.[REFINE_INPUT_ID]?.value?.trim() ?? "";
    const problem = await submitRefine(deps, body.user.id, parseEpicRefineMetadata(view.private_metadata), instruction);
    await ack(problem ? { response_action: "errors", errors: { [REFINE_BLOCK_ID]: problem } } : undefined);
  });
}

async function tell(respond: RespondFn, logger: Logger, text: string): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    logger.warn({ error: slackErrorCode(error) }, "could not answer an epic's button"),
  );
}

type Target = { ok: true; run: RunSummary; epic: EpicProgress } | { ok: false; text: string };

/** The run and epic a button names, and whether this person may act on them. */
async function target(deps: EpicReviewDeps, userId: string, action: ButtonAction, verb: string): Promise<Target> {
  const runId = runIdOfEpicBlock(action.block_id);
  const runEpicId = action.value;
  if (!runId || !runEpicId) return { ok: false, text: "This button does not belong to an epic of a stories run any more." };
  const [progress, epic] = await Promise.all([deps.runs.loadRunProgress(runId), deps.runs.loadEpicProgress(runEpicId)]);
  if (!progress || !epic || epic.runId !== runId) return { ok: false, text: "I cannot find this epic's run any more, so there is nothing to do." };
  const permission = await deps.permissions.check(userId, progress.run);
  if (permission === "refused" || permission === "unknown") {
    const why = permission === "unknown" ? " (I could not check whether you are a workspace admin)" : "";
    return { ok: false, text: `Only ${mentionUser(progress.run.requestedBy)}, who started this run, or a workspace admin can ${verb} ${escapeMrkdwn(epic.epicKey)}${why}.` };
  }
  // The same access policy as a story's buttons: the epic may be shown here, and this person may open it.
  const access = await checkStoryAccess(deps.access, userId, progress.run, { tracker: epic.tracker, storyKey: epic.epicKey }, "review");
  if (!access.allowed) return { ok: false, text: access.message };
  return { ok: true, run: progress.run, epic };
}

async function guarded(deps: EpicReviewDeps, respond: RespondFn, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const reference = errorReference();
    deps.logger.error({ err: error, reference }, `${what} failed`);
    await tell(respond, deps.logger, somethingWentWrong({ consequence: "Nothing changed; please try again.", reference }).text);
  }
}

function decide(deps: EpicReviewDeps, userId: string, action: ButtonAction, respond: RespondFn): Promise<void> {
  return guarded(deps, respond, "epic review", async () => {
    const decision = DECISIONS[action.action_id]!;
    const found = await target(deps, userId, action, "decide on");
    if (!found.ok) return tell(respond, deps.logger, found.text);
    const outcome = await deps.runs.decideEpicReview(found.epic.runEpicId, decision);
    if (outcome === "not-found") return tell(respond, deps.logger, "I cannot find this epic's run any more, so there is nothing to decide.");
    if (outcome === "already-decided") {
      const now = (await deps.runs.loadEpicProgress(found.epic.runEpicId)) ?? found.epic;
      return tell(respond, deps.logger, `${escapeMrkdwn(found.epic.epicKey)} was already decided: it is ${epicStatus(now).text}.`);
    }
    deps.logger.info({ runId: found.run.runId, runEpicId: found.epic.runEpicId, decision, userId }, "epic review decided");
    await deps.reporter.showEpicDecision(found.run.runId, found.epic.runEpicId, { decision, by: userId });
  });
}

function openRefine(deps: EpicReviewDeps, userId: string, triggerId: string, action: ButtonAction, respond: RespondFn): Promise<void> {
  return guarded(deps, respond, "opening an epic's Refine", async () => {
    const found = await target(deps, userId, action, "refine");
    if (!found.ok) return tell(respond, deps.logger, found.text);
    if (!isEpicAwaitingReview(found.epic)) return tell(respond, deps.logger, `${escapeMrkdwn(found.epic.epicKey)} is not waiting for review: it is ${epicStatus(found.epic).text}.`);
    await deps.client.views.open({ trigger_id: triggerId, view: epicRefineModal({ runId: found.run.runId, runEpicId: found.epic.runEpicId }, found.epic) });
  });
}

/** Applies a submitted instruction; returns the problem to show under the input, or null. */
async function submitRefine(deps: EpicReviewDeps, userId: string, refine: { runId: string; runEpicId: string } | null, instruction: string): Promise<string | null> {
  if (!refine) return "This form no longer belongs to an epic; open Refine again from the epic's reply.";
  if (instruction.length < 3) return "Say what should change, in a few words.";
  try {
    const progress = await deps.runs.loadRunProgress(refine.runId);
    if (!progress) return "I cannot find this epic's run any more.";
    const permission = await deps.permissions.check(userId, progress.run);
    if (permission === "refused" || permission === "unknown") return "Only the person who started this run or a workspace admin can refine it.";
    const epic = await deps.runs.loadEpicProgress(refine.runEpicId);
    if (!epic || epic.runId !== refine.runId) return "I cannot find this epic's run any more.";
    const access = await checkStoryAccess(deps.access, userId, progress.run, { tracker: epic.tracker, storyKey: epic.epicKey }, "refine");
    if (!access.allowed) return access.message;
    const outcome = await deps.runs.refineEpicReview(refine.runEpicId, instruction);
    if (outcome === "not-found") return "I cannot find this epic's run any more.";
    if (outcome === "already-decided") return "These stories were already decided, so they cannot be refined now.";
    deps.logger.info({ ...refine, userId }, "epic review refined");
    await deps.reporter.showEpicDecision(refine.runId, refine.runEpicId, { decision: "refine", by: userId, instruction });
    return null;
  } catch (error) {
    const reference = errorReference();
    deps.logger.error({ err: error, reference, ...refine }, "an epic's Refine failed");
    return somethingWentWrongPlain({ consequence: "Nothing changed; please try again.", reference });
  }
}

function chain(deps: EpicReviewDeps, user: { id: string; name?: string; username?: string }, action: ButtonAction, respond: RespondFn): Promise<void> {
  return guarded(deps, respond, "chaining a subtasks run", async () => {
    const found = await target(deps, user.id, action, "break down the stories of");
    if (!found.ok) return tell(respond, deps.logger, found.text);
    const name = user.username ?? user.name;
    const result = await deps.runs.chainSubtasks(found.epic.runEpicId, { id: user.id, ...(name ? { name } : {}) });
    if (result.outcome === "already-started") return tell(respond, deps.logger, `These stories are already being broken down${result.runId ? ` by run \`${escapeMrkdwn(result.runId)}\`` : ""}.`);
    if (result.outcome !== "started") return tell(respond, deps.logger, `${escapeMrkdwn(found.epic.epicKey)} has no stories from this run to break down.`);
    deps.logger.info({ runId: found.run.runId, runEpicId: found.epic.runEpicId, chainedRunId: result.runId, userId: user.id }, "subtasks run chained on new stories");
  });
}
