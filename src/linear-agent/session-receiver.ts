// Acts on a verified AgentSessionEvent. `created` records the delivery and a review-mode run of
// the issue in one statement (a repeat starts nothing), answers, and then says it is reading the
// story, well within Linear's 10 s. `prompted` records the delivery, then turns the person's reply
// into the same review decisions Slack's buttons make: Create, Discard, an instruction to refine,
// or stop. Everything slow happens on the queue; nothing here waits on a tracker or the model.
import type { Logger } from "../log/logger.ts";
import type { RunService } from "../runs/service.ts";
import { MAX_INSTRUCTION_CHARS } from "../generation/limits.ts";
import { linearIdentity } from "../trackers/linear/identity.ts";
import { ignored, type WebhookOutcome } from "../webhooks/outcome.ts";
import { DeliveryNotStored, startLabelRun } from "../webhooks/start-label-run.ts";
import { escapeMarkdown, readingThought, REVIEW_OPTIONS } from "./activities.ts";
import { activityId, type Activity } from "./agent-api.ts";
import type { LinearAgent } from "./agent.ts";
import { AGENT_SESSION_EVENT, type AgentSessionEvent } from "./session-event.ts";

export type SessionRuns = Pick<
  RunService,
  "startRun" | "recordDelivery" | "agentSessionRun" | "decideReview" | "refineReview" | "stopStory" | "stopQueuedRun"
>;

export interface SessionReceiverDeps {
  readonly runs: SessionRuns;
  readonly agent: Pick<LinearAgent, "say">;
  readonly logger: Logger;
  readonly recordWithinMs?: number | undefined;
}

export type SessionReceiver = (event: AgentSessionEvent) => Promise<WebhookOutcome>;

/** A reply that picks one of the proposal's options, by its value or its label. */
function chosenOption(body: string): "create" | "discard" | null {
  const text = body.trim().replace(/[.!]+$/, "").toLowerCase();
  const option = REVIEW_OPTIONS.find((candidate) => candidate.value === text || candidate.label.toLowerCase() === text);
  return option ? option.value : null;
}

/** The id of the first thought of a session: the same whichever process sends it. */
export const readingThoughtId = (sessionId: string) => activityId(`${sessionId}:reading`);

export function createSessionReceiver(deps: SessionReceiverDeps): SessionReceiver {
  const logger = deps.logger.child({ component: "linear-agent" });

  /** Said after the answer, never delaying it. */
  function sayLater(event: AgentSessionEvent, name: string, content: Activity["content"]): void {
    void deps.agent.say(event.sessionId, event.organizationId, { id: activityId(`${event.sessionId}:${name}`), content });
  }

  async function created(event: AgentSessionEvent): Promise<WebhookOutcome> {
    if (!event.issue) {
      sayLater(event, "no-issue", { type: "response", body: "I plan the subtasks of an issue: delegate a story to me or mention me on one." });
      return ignored("an agent session without an issue");
    }
    const outcome = await startLabelRun(
      deps.runs,
      logger,
      {
        provider: linearIdentity.kind,
        deliveryId: event.deliveryId,
        event: `${AGENT_SESSION_EVENT}.created`,
        // A session plans one story's subtasks; stories from an epic are asked for in Slack or by label.
        type: "GENERATE_SUBTASKS",
        ref: { tracker: linearIdentity.name, key: event.issue.identifier, kind: "issue", input: event.issue.identifier },
        requestedBy: event.creator?.id ?? "linear-agent",
        ...(event.creator?.name ? { requestedByName: event.creator.name } : {}),
        trigger: "LINEAR_AGENT",
        options: { review: true, singleStory: true, ...(event.instruction ? { instruction: event.instruction } : {}) },
        linearAgentSession: { id: event.sessionId, organizationId: event.organizationId },
      },
      { recordWithinMs: deps.recordWithinMs },
    );
    // Also on a duplicate: the first attempt may have been recorded after Linear gave up waiting.
    // The thought's id is the session's, so Linear keeps it once.
    if (outcome.status === "started" || outcome.status === "duplicate") {
      void deps.agent.say(event.sessionId, event.organizationId, { id: readingThoughtId(event.sessionId), content: readingThought(event.issue.identifier) });
    }
    logger.info({ sessionId: event.sessionId, story: event.issue.identifier, ...outcome }, "agent session created");
    return outcome;
  }

  async function prompted(event: AgentSessionEvent): Promise<WebhookOutcome> {
    const session = await deps.runs.agentSessionRun(event.sessionId).catch((error: unknown) => {
      throw new DeliveryNotStored(error);
    });
    let fresh: boolean;
    try {
      fresh = await deps.runs.recordDelivery(linearIdentity.kind, event.deliveryId, `${AGENT_SESSION_EVENT}.prompted`, session?.runId ?? null);
    } catch (error) {
      throw new DeliveryNotStored(error);
    }
    if (!fresh) return { status: "duplicate", runId: session?.runId ?? null };
    if (!session) {
      sayLater(event, `orphan:${event.deliveryId}`, { type: "response", body: "I have no plan in progress for this session. Delegate the story to me again to start one." });
      return ignored("no run for this agent session");
    }
    const story = session.story;
    const prompt = event.prompt ?? { body: "", signal: null };
    if (prompt.signal === "stop") {
      const stopped = story
        ? await deps.runs.stopStory(story.runStoryId)
        : session.runStatus === "QUEUED" && (await deps.runs.stopQueuedRun(session.runId))
          ? "stopped"
          : "already-finished";
      if (stopped === "already-finished") {
        sayLater(event, `stop:${event.deliveryId}`, { type: "response", body: "There was nothing left to stop: this session's work had already finished." });
      }
      // "stopped" and "stopping" are answered when the story ends (see reporter.ts).
      logger.info({ sessionId: event.sessionId, runId: session.runId, outcome: stopped }, "agent session stop");
      return { status: "accepted", runId: session.runId };
    }
    if (!story || story.reviewState !== "AWAITING") {
      const proposing = !story || story.status === "GENERATING" || (story.status === "PENDING" && story.reviewState === null);
      const body = proposing ? "I am still working on the proposal; reply once it is shown." : "This plan is already decided; delegate the story again for a new one.";
      sayLater(event, `busy:${event.deliveryId}`, { type: "thought", body });
      return { status: "accepted", runId: session.runId };
    }
    const choice = chosenOption(prompt.body);
    if (choice) {
      const outcome = await deps.runs.decideReview(story.runStoryId, choice);
      logger.info({ sessionId: event.sessionId, runId: session.runId, decision: choice, outcome }, "agent session decision");
    } else if (prompt.body !== "") {
      const instruction = prompt.body.slice(0, MAX_INSTRUCTION_CHARS);
      const outcome = await deps.runs.refineReview(story.runStoryId, instruction);
      if (outcome === "applied") sayLater(event, `refine:${event.deliveryId}`, { type: "thought", body: `Reworking the proposal with “${escapeMarkdown(instruction, 300)}”.` });
      logger.info({ sessionId: event.sessionId, runId: session.runId, outcome }, "agent session refine");
    }
    return { status: "accepted", runId: session.runId };
  }

  return async (event) => {
    if (event.action === "created") return created(event);
    if (event.action === "prompted") return prompted(event);
    return ignored(`agent session ${event.action} events start nothing`);
  };
}
