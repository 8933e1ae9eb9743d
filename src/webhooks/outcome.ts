import type { WebhookProvider } from "../generated/prisma/enums.ts";
import type { RunKind, RunOptions, RunTriggerKind } from "../runs/types.ts";
import type { TrackerRef } from "../trackers/types.ts";

export type { WebhookProvider } from "../generated/prisma/enums.ts";

/** What a verified delivery asks for: a run on one story or epic, started by a tracker label. */
export interface LabelTrigger {
  readonly provider: WebhookProvider;
  /** The dedupe key: the sender's delivery id (or a hash of the body when it sends none). */
  readonly deliveryId: string;
  /** The sender's event name, recorded with the delivery. */
  readonly event: string;
  readonly ref: TrackerRef;
  /** GENERATE_STORIES when STORIES_LABEL was added (on an epic); else a subtasks run. */
  readonly type: RunKind;
  /** The tracker user who added the label (their id), for the run's requestedBy. */
  readonly requestedBy: string;
  readonly requestedByName?: string;
  /** Default TRACKER_LABEL; LINEAR_AGENT for a Linear agent session. */
  readonly trigger?: RunTriggerKind;
  readonly options?: RunOptions;
  /** The Linear agent session the run answers in. */
  readonly linearAgentSession?: { readonly id: string; readonly organizationId: string };
}

/** The answer to a verified delivery; every one is a 200. */
export type WebhookOutcome =
  | { readonly status: "started"; readonly runId: string }
  /** The delivery was recorded before: no second run. */
  | { readonly status: "duplicate"; readonly runId: string | null }
  /** Acted on without starting a run (a person's reply in a Linear agent session). */
  | { readonly status: "accepted"; readonly runId: string }
  | { readonly status: "ignored"; readonly reason: string };

/** A delivery that starts nothing, with the reason (answered to the sender, logged at debug). */
export const ignored = (reason: string): WebhookOutcome => ({ status: "ignored", reason });
