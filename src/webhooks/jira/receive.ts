// Acts on a verified, parsed Jira delivery: a run starts when the trigger label was just added
// to an issue (or an issue was created with it); everything else is answered "ignored".
import { jiraIdentity } from "../../trackers/jira/identity.ts";
import { jiraLabel } from "../../trackers/jira/labels.ts";
import { BOT_LABEL } from "../../trackers/marker.ts";
import { ignored, type LabelTrigger, type WebhookOutcome } from "../outcome.ts";
import { startLabelRun, type ReceiveDeps } from "../start-label-run.ts";
import type { JiraDelivery, JiraIssueLabels } from "./parse.ts";

export type JiraDecision = { readonly start: LabelTrigger; readonly epic: boolean } | { readonly ignore: string };

/** Labels added by this change: in a `labels` item's toString but not its fromString. */
function addedLabels(issue: JiraIssueLabels): Set<string> {
  const added = new Set<string>();
  for (const change of issue.labelChanges) for (const label of change.to) if (!change.from.includes(label)) added.add(label);
  return added;
}

// An Epic is the level above stories: named "Epic" in company-managed projects, and at
// hierarchy level 1 in any project. The run layer expands it into its stories.
const isEpic = (issue: JiraIssueLabels) => issue.issueType.hierarchyLevel === 1 || issue.issueType.name === "Epic";

/**
 * What the delivery asks for. Pure: the tests call it with payloads alone. STORIES_LABEL (when
 * set) asks for a stories run on the epic, TRIGGER_LABEL for a subtasks run.
 */
export function decideJiraDelivery(delivery: JiraDelivery, configuredLabel: string, storiesLabel?: string): JiraDecision {
  if (storiesLabel) {
    const stories = decideFor(delivery, storiesLabel);
    if ("start" in stories) return { ...stories, start: { ...stories.start, type: "GENERATE_STORIES" } };
  }
  return decideFor(delivery, configuredLabel);
}

function decideFor(delivery: JiraDelivery, configuredLabel: string): JiraDecision {
  const { issue } = delivery;
  // Compared as Jira holds it: the bot writes its labels with jiraLabel too.
  const triggerLabel = jiraLabel(configuredLabel);
  if (!issue) return { ignore: `Jira ${delivery.webhookEvent} events do not start runs` };
  // The bot's own sub-tasks (made by a run, carrying its label) must never start another run.
  if (issue.labels.includes(BOT_LABEL)) return { ignore: `${issue.key} is a sub-task created by ${BOT_LABEL}` };
  // Jira has one level of sub-tasks: a sub-task cannot be broken down further.
  if (issue.issueType.subtask) return { ignore: `${issue.key} is a sub-task; sub-tasks are not broken down` };
  if (delivery.webhookEvent === "jira:issue_created") {
    if (!issue.labels.includes(triggerLabel)) return { ignore: `${issue.key} was created without the label ${triggerLabel}` };
  } else if (issue.labelChanges.length === 0) {
    return { ignore: `the labels of ${issue.key} did not change` };
  } else if (!addedLabels(issue).has(triggerLabel)) {
    return { ignore: `the label ${triggerLabel} was not added to ${issue.key}` };
  }
  return {
    epic: isEpic(issue),
    start: {
      provider: jiraIdentity.kind,
      deliveryId: delivery.deliveryId,
      event: delivery.webhookEvent,
      type: "GENERATE_SUBTASKS",
      // An epic is started as itself: the run layer expands it into its stories.
      ref: { tracker: jiraIdentity.name, key: issue.key, kind: "issue", input: issue.key },
      requestedBy: delivery.user?.accountId ?? "jira-webhook",
      ...(delivery.user?.displayName ? { requestedByName: delivery.user.displayName } : {}),
    },
  };
}

export async function receiveJiraDelivery(
  deps: Pick<ReceiveDeps, "runs" | "logger" | "triggerLabel" | "storiesLabel" | "recordWithinMs">,
  delivery: JiraDelivery,
): Promise<WebhookOutcome> {
  const decision = decideJiraDelivery(delivery, deps.triggerLabel, deps.storiesLabel);
  const context = { provider: jiraIdentity.name, deliveryId: delivery.deliveryId, event: delivery.webhookEvent };
  if ("ignore" in decision) {
    deps.logger.debug({ ...context, reason: decision.ignore }, "webhook delivery ignored");
    return ignored(decision.ignore);
  }
  const outcome = await startLabelRun(deps.runs, deps.logger, decision.start, { recordWithinMs: deps.recordWithinMs });
  deps.logger.info({ ...context, story: decision.start.ref.key, epic: decision.epic, type: decision.start.type, ...outcome }, "webhook delivery received");
  return outcome;
}
