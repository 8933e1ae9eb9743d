// Acts on a verified, parsed Linear delivery: a run starts when the trigger label was just put
// on an issue; everything else is answered "ignored" with the reason.
import { linearIdentity } from "../../trackers/linear/identity.ts";
import { BOT_LABEL } from "../../trackers/marker.ts";
import { ignored, type LabelTrigger, type WebhookOutcome } from "../outcome.ts";
import { startLabelRun, type ReceiveDeps } from "../start-label-run.ts";
import type { LinearDelivery } from "./parse.ts";

export type LinearDecision = { readonly start: LabelTrigger } | { readonly ignore: string };

// Linear label names are unique per team regardless of case; the tracker adapter finds labels
// by name the same way.
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * What the delivery asks for. Pure: the tests call it with payloads alone. STORIES_LABEL (when
 * set) asks for a stories run on the issue, TRIGGER_LABEL for a subtasks run; a stories label
 * on something that is not an epic is told so by the run.
 */
export function decideLinearDelivery(delivery: LinearDelivery, triggerLabel: string, storiesLabel?: string): LinearDecision {
  if (storiesLabel) {
    const stories = decideFor(delivery, storiesLabel);
    if ("start" in stories) return { start: { ...stories.start, type: "GENERATE_STORIES" } };
  }
  return decideFor(delivery, triggerLabel);
}

function decideFor(delivery: LinearDelivery, triggerLabel: string): LinearDecision {
  const { issue } = delivery;
  if (delivery.type !== "Issue") return { ignore: `Linear ${delivery.type} events do not start runs` };
  if (!issue) return { ignore: `an issue ${delivery.action} does not start a run` };
  // The bot's own sub-issues (made by a run, carrying its label) must never start another run.
  if (issue.labels.some((label) => sameName(label.name, BOT_LABEL))) {
    return { ignore: `${issue.identifier} is a sub-issue created by ${BOT_LABEL}` };
  }
  // Labels are matched by name, as people know them; the id then tells whether it is new.
  const trigger = issue.labels.find((label) => sameName(label.name, triggerLabel));
  if (!trigger || !issue.labelIds.includes(trigger.id)) {
    return { ignore: `${issue.identifier} does not carry the label ${triggerLabel}` };
  }
  if (delivery.action === "update") {
    if (!issue.previousLabelIds) return { ignore: `the labels of ${issue.identifier} did not change` };
    if (issue.previousLabelIds.includes(trigger.id)) {
      return { ignore: `${issue.identifier} already carried the label ${triggerLabel}` };
    }
  }
  return {
    start: {
      provider: linearIdentity.kind,
      deliveryId: delivery.deliveryId,
      event: `Issue.${delivery.action}`,
      type: "GENERATE_SUBTASKS",
      ref: { tracker: linearIdentity.name, key: issue.identifier, kind: "issue", input: issue.identifier },
      requestedBy: delivery.actor?.id ?? "linear-webhook",
      ...(delivery.actor?.name ? { requestedByName: delivery.actor.name } : {}),
    },
  };
}

export async function receiveLinearDelivery(
  deps: Pick<ReceiveDeps, "runs" | "logger" | "triggerLabel" | "storiesLabel" | "recordWithinMs">,
  delivery: LinearDelivery,
): Promise<WebhookOutcome> {
  const decision = decideLinearDelivery(delivery, deps.triggerLabel, deps.storiesLabel);
  const context = { provider: linearIdentity.name, deliveryId: delivery.deliveryId, event: `${delivery.type}.${delivery.action}` };
  if ("ignore" in decision) {
    deps.logger.debug({ ...context, reason: decision.ignore }, "webhook delivery ignored");
    return ignored(decision.ignore);
  }
  const outcome = await startLabelRun(deps.runs, deps.logger, decision.start, { recordWithinMs: deps.recordWithinMs });
  deps.logger.info({ ...context, story: decision.start.ref.key, type: decision.start.type, ...outcome }, "webhook delivery received");
  return outcome;
}
