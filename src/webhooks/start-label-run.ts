// The one thing a verified label delivery does: record the delivery and its run in one
// statement (the unique provider + delivery id makes a repeated or concurrent delivery a
// duplicate), then the run's queue job. Nothing here waits on a tracker or on Claude.
import { settleWithin } from "../async/deadline.ts";
import type { Logger } from "../log/logger.ts";
import type { RunService } from "../runs/service.ts";
import type { SessionReceiver } from "../linear-agent/session-receiver.ts";
import type { LabelTrigger, WebhookOutcome } from "./outcome.ts";

/**
 * The delivery could not be recorded (the database is down, refused the write, or did not
 * answer in time). The sender must try again later: answered 503 with Retry-After, never 200.
 */
export class DeliveryNotStored extends Error {
  constructor(cause: unknown) {
    super("the delivery could not be recorded; try again later", { cause });
    this.name = "DeliveryNotStored";
  }
}

export type RunStarter = Pick<RunService, "startRun">;

/** What every provider's receive step works with. */
export interface ReceiveDeps {
  readonly runs: RunStarter;
  readonly logger: Logger;
  /** TRIGGER_LABEL, as configured. */
  readonly triggerLabel: string;
  /** STORIES_LABEL, as configured: on an epic, starts a stories run. */
  readonly storiesLabel?: string | undefined;
  /** The clock the signed timestamps are checked against. */
  readonly now: () => number;
  /** See StartLabelRunOptions. */
  readonly recordWithinMs?: number | undefined;
  /** Linear agent session events (AgentSessionEvent); absent: the agent is off and they are ignored. */
  readonly agentSessions?: SessionReceiver | undefined;
}

export interface StartLabelRunOptions {
  /**
   * How long a sender is kept waiting for the record (ms). Linear gives up after 5 s and Jira
   * after 10 s, both then retry; answering 503 first keeps the answer ours. A write that
   * completes after the deadline still enqueues its run, and the retry is told "duplicate".
   */
  readonly recordWithinMs?: number;
}

export const DEFAULT_RECORD_WITHIN_MS = 4_000;

async function recordAndEnqueue(runs: RunStarter, trigger: LabelTrigger): Promise<WebhookOutcome> {
  let recorded;
  try {
    recorded = await runs.startRun({
      type: trigger.type,
      trigger: trigger.trigger ?? "TRACKER_LABEL",
      refs: [trigger.ref],
      requestedBy: trigger.requestedBy,
      ...(trigger.requestedByName ? { requestedByName: trigger.requestedByName } : {}),
      ...(trigger.options ? { options: trigger.options } : {}),
      ...(trigger.linearAgentSession ? { linearAgentSession: trigger.linearAgentSession } : {}),
      delivery: { provider: trigger.provider, deliveryId: trigger.deliveryId, event: trigger.event },
    });
  } catch (error) {
    throw new DeliveryNotStored(error);
  }
  return recorded.duplicate ? { status: "duplicate", runId: recorded.runId } : { status: "started", runId: recorded.runId };
}

export async function startLabelRun(
  runs: RunStarter,
  logger: Logger,
  trigger: LabelTrigger,
  options: StartLabelRunOptions = {},
): Promise<WebhookOutcome> {
  const work = recordAndEnqueue(runs, trigger);
  const deadlineMs = options.recordWithinMs ?? DEFAULT_RECORD_WITHIN_MS;
  const first = await settleWithin(work, deadlineMs);
  if (first.inTime) return first.value;
  // The write goes on; the sender is told to retry, and the outcome is only logged.
  work.then(
    (outcome) => logger.info({ deliveryId: trigger.deliveryId, ...outcome }, "delivery recorded after the sender was answered 503"),
    (error: unknown) => logger.warn({ deliveryId: trigger.deliveryId, err: error }, "delivery not recorded"),
  );
  throw new DeliveryNotStored(new Error(`the database did not record the delivery within ${deadlineMs} ms`));
}
