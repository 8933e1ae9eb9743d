// Reports a run in its Linear agent session, from the same events the Slack reporter renders:
// the plan kept current, an action for the model call and for the tracker writes, the proposal
// as an elicitation, then a response or an error. Each activity has an id derived from the story
// and its step, so a process that resumes a story after a crash, or two processes reporting the
// same step, say it once: Linear refuses an id it has seen.
// A label run on a Linear story gets a session of its own (agentSessionCreateOnIssue) when the
// app is installed, so the team sees it on the issue too.
import type { Logger } from "../log/logger.ts";
import { STOPPED_REASON } from "../runs/process-story.ts";
import type { RunService } from "../runs/service.ts";
import type { RunObserver, StoryProgress } from "../runs/types.ts";
import { linearIdentity } from "../trackers/linear/identity.ts";
import {
  createdAction,
  creatingAction,
  finalActivity,
  generatedAction,
  generatingAction,
  planFor,
  proposalElicitation,
  resumedThought,
  unableResponse,
} from "./activities.ts";
import { activityId, type Activity, type AgentApi } from "./agent-api.ts";
import type { LinearAgent } from "./agent.ts";

export type ReporterRuns = Pick<RunService, "agentSessionOf" | "setAgentSession">;

export interface AgentReporterDeps {
  readonly runs: ReporterRuns;
  readonly agent: Pick<LinearAgent, "apiFor">;
  readonly logger: Logger;
  readonly triggerLabel: string;
  /** The run's Slack thread, when it has one, for the session's external links. */
  readonly threadUrl?: (run: { slackChannel: string | null; slackThreadTs: string | null }) => Promise<string | undefined>;
}

interface Session {
  readonly sessionId: string;
  readonly organizationId: string | null;
  readonly withApproval: boolean;
  readonly slackChannel: string | null;
  readonly slackThreadTs: string | null;
}

export function createAgentReporter(deps: AgentReporterDeps): RunObserver {
  const logger = deps.logger.child({ component: "linear-agent" });
  // One session's activities go out in the order the run produced them.
  const queues = new Map<string, Promise<void>>();

  function inOrder(sessionId: string, work: () => Promise<void>): Promise<void> {
    const next = (queues.get(sessionId) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      logger.warn({ err: error, sessionId }, "agent session not updated");
    });
    queues.set(sessionId, next);
    void next.then(() => {
      if (queues.get(sessionId) === next) queues.delete(sessionId);
    });
    return next;
  }

  async function sessionOf(runId: string): Promise<Session | null> {
    const session = await deps.runs.agentSessionOf(runId);
    if (!session) return null;
    return { ...session, withApproval: session.trigger === "LINEAR_AGENT" };
  }

  const storyActivityId = (story: StoryProgress, step: string) => activityId(`${story.runStoryId}:${step}`);

  /** What a story's state adds to its session, in order. */
  function activitiesFor(story: StoryProgress): Activity[] {
    // Each proposal is numbered by the instructions it was made with: a refinement is a new one.
    const round = story.instructions.length;
    const stopped = story.errorMsg === STOPPED_REASON;
    if (story.status === "GENERATING") return [{ id: storyActivityId(story, `generating:${round}`), content: generatingAction(story) }];
    if (story.status === "PENDING" && story.reviewState === "AWAITING") {
      const elicitation = proposalElicitation(story);
      return [
        { id: storyActivityId(story, `generated:${round}`), content: generatedAction(story) },
        { id: storyActivityId(story, `proposal:${round}`), ...elicitation },
      ];
    }
    if (story.status === "SAVING" || (story.status === "PENDING" && story.reviewState === "APPROVED")) {
      return [{ id: storyActivityId(story, "creating"), content: creatingAction(story) }];
    }
    const final = finalActivity(story, stopped);
    if (!final) return [];
    return [
      ...(story.status === "COMPLETED" ? [{ id: storyActivityId(story, "created"), content: createdAction(story) }] : []),
      { id: storyActivityId(story, "final"), content: final },
    ];
  }

  async function report(api: AgentApi, session: Session, story: StoryProgress): Promise<void> {
    const plan = planFor(story, session.withApproval || story.reviewState !== null, story.errorMsg === STOPPED_REASON);
    // The run's Slack thread (SLACK_DEFAULT_CHANNEL), once it is posted, is linked from the session.
    const thread = await deps.threadUrl?.(session);
    await api.updateSession(session.sessionId, { plan, ...(thread ? { externalUrls: [{ label: "Slack thread", url: thread }] } : {}) });
    for (const activity of activitiesFor(story)) await api.createActivity(session.sessionId, activity);
  }

  // Sessions being opened for label runs, by run.
  const opening = new Map<string, Promise<void>>();

  async function openSession(runId: string, storyKey: string): Promise<void> {
    try {
      const api = await deps.agent.apiFor(null);
      if (!api) return;
      const sessionId = await api.createSessionOnIssue(storyKey);
      await deps.runs.setAgentSession(runId, sessionId, null);
    } catch (error) {
      logger.warn({ err: error, runId }, "no agent session opened for the label run");
    }
  }

  return {
    async onRunStarted(run, stories) {
      if (run.trigger === "TRACKER_LABEL" && stories.length === 1 && stories[0]!.tracker === linearIdentity.kind) {
        // A label run on one Linear story: open a session on it, when the app is installed. The
        // story's updates wait for it, so none is reported before the session exists.
        const opened = openSession(run.runId, stories[0]!.storyKey);
        opening.set(run.runId, opened);
        await opened.finally(() => opening.delete(run.runId));
      }
    },

    async onStoryUpdate(story) {
      if (story.tracker !== linearIdentity.kind) return;
      await opening.get(story.runId);
      const session = await sessionOf(story.runId);
      if (!session) return;
      await inOrder(session.sessionId, async () => {
        const api = await deps.agent.apiFor(session.organizationId);
        if (!api) {
          logger.warn({ runId: story.runId }, "the Linear app is not installed in this workspace; the session is not updated");
          return;
        }
        await report(api, session, story);
      });
    },

    async onStoryResumed(story, attempt) {
      if (story.tracker !== linearIdentity.kind) return;
      const session = await sessionOf(story.runId);
      if (!session) return;
      await inOrder(session.sessionId, async () => {
        const api = await deps.agent.apiFor(session.organizationId);
        await api?.createActivity(session.sessionId, { id: storyActivityId(story, `resumed:${attempt}`), content: resumedThought(story.storyKey) });
      });
    },

    async onRunComplete(run, stories) {
      if (stories.length > 0) return;
      // The run never reached a story (an epic, an issue that cannot be read): say why.
      const session = await sessionOf(run.runId);
      if (!session) return;
      await inOrder(session.sessionId, async () => {
        const api = await deps.agent.apiFor(session.organizationId);
        await api?.createActivity(session.sessionId, {
          id: activityId(`${run.runId}:unable`),
          content:
            run.errorMsg === STOPPED_REASON
              ? { type: "response", body: "Stopped before any story was read. Nothing was created." }
              : unableResponse(run.errorMsg ?? "nothing to plan", deps.triggerLabel),
        });
      });
    },
  };
}
