// Creates a story's sub-tasks in Jira with POST /rest/api/3/issue/bulk, 50 per call. Jira
// creates what it can and lists the elements it refused by index (`failedElementNumber`);
// when every element fails it answers 400 with the same body.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-bulk-post

import { parseEffort } from "../../effort/effort.ts";
import { isAppError } from "../../errors/app-error.ts";
import type { Logger } from "../../log/logger.ts";
import { appendMarker, BOT_LABEL } from "../marker.ts";
import { jiraLabel } from "./labels.ts";
import type { CreatedSubtask, CreateSubtasksResult, ItemFailure, NewSubtask, TrackerStory } from "../types.ts";
import type { JiraCall } from "./call.ts";
import { toAdf } from "./markdown-to-adf.ts";
import { originalEstimate } from "./original-estimate.ts";
import { browseUrl } from "./read-story.ts";
import { bulkCreateAnswer, type BulkCreateAnswer } from "./schemas.ts";
import type { SubtaskTypes } from "./subtask-type.ts";
import { JiraHttpError } from "./transport.ts";

/** "The maximum number of issues that can be created in each call is 50." */
export const JIRA_BULK_SIZE = 50;
/** Jira's summary field holds at most 255 characters. */
const SUMMARY_MAX = 255;

type Outcome = { readonly created: CreatedSubtask } | { readonly failed: ItemFailure };

export async function createJiraSubtasks(
  deps: { readonly call: JiraCall; readonly types: SubtaskTypes; readonly baseUrl: string; readonly logger: Logger },
  story: TrackerStory,
  subtasks: readonly NewSubtask[],
): Promise<CreateSubtasksResult> {
  if (subtasks.length === 0) return { created: [], failed: [] };
  const project = story.team.key;
  // Failures here (no sub-task type, auth, permissions) concern every item: nothing was created, so throw.
  const type = await deps.types.typeFor(project);
  const screen = await deps.types.createFields(project, type);
  const estimates = screen.has("timetracking");
  // Without Labels on the create screen Jira would refuse every sub-task; the footer still marks them.
  const labelled = screen.has("labels") || screen.size === 0;
  if (!labelled) {
    deps.logger.warn(
      { project, issueType: type.name },
      `the sub-task create screen has no Labels field: sub-tasks are created without the ${BOT_LABEL} label`,
    );
  }

  const updates = subtasks.map((subtask) => {
    const summary = truncate(subtask.title, SUMMARY_MAX);
    const effort = estimates ? parseEffort(subtask.effort) : null;
    return {
      fields: {
        project: { key: project },
        parent: { key: story.key },
        issuetype: { id: type.id },
        summary,
        description: toAdf(appendMarker(summary, subtask.description, subtask.marker)),
        ...(labelled ? { labels: [...new Set([BOT_LABEL, ...(subtask.labels ?? []).map(jiraLabel)])] } : {}),
        ...(effort ? { timetracking: { originalEstimate: originalEstimate(effort) } } : {}),
      },
    };
  });

  const outcomes: Outcome[] = [];
  for (let start = 0; start < updates.length; start += JIRA_BULK_SIZE) {
    const chunk = subtasks.slice(start, start + JIRA_BULK_SIZE);
    let answer: BulkCreateAnswer;
    try {
      answer = await deps.call(
        async (jira) => {
          try {
            return await jira.issues.createIssues({ issueUpdates: updates.slice(start, start + JIRA_BULK_SIZE) });
          } catch (error) {
            // Every element refused: a 400 whose body lists each one, like a partial success.
            if (error instanceof JiraHttpError && error.status === 400 && bulkCreateAnswer.safeParse(error.body).data?.errors.length) {
              return error.body;
            }
            throw error;
          }
        },
        bulkCreateAnswer,
        // Not idempotent: a 5xx may hide a request that created issues, so only rate limits are retried.
        { action: `create sub-tasks of ${story.key}`, permission: "Create issues", retryOn: "rate-limit" },
      );
    } catch (error) {
      if (!outcomes.some((outcome) => "created" in outcome) || !isAppError(error)) throw error;
      outcomes.push(...subtasks.slice(start).map((subtask) => ({ failed: { ref: subtask.code, error: error.message } })));
      break;
    }
    outcomes.push(...matchChunk(deps.baseUrl, chunk, updates.slice(start, start + JIRA_BULK_SIZE), answer));
  }
  return {
    created: outcomes.flatMap((outcome) => ("created" in outcome ? [outcome.created] : [])),
    failed: outcomes.flatMap((outcome) => ("failed" in outcome ? [outcome.failed] : [])),
  };
}

/**
 * Jira lists the created issues in request order, skipping the failed elements, which it names by
 * index; so the n-th created issue belongs to the n-th element that did not fail.
 */
function matchChunk(
  baseUrl: string,
  chunk: readonly NewSubtask[],
  updates: readonly { fields: { summary: string } }[],
  answer: BulkCreateAnswer,
): Outcome[] {
  const failures = new Map<number, string>();
  for (const error of answer.errors) {
    if (error.failedElementNumber !== undefined) failures.set(error.failedElementNumber, elementError(error));
  }
  const created = [...answer.issues];
  return chunk.map((subtask, index): Outcome => {
    const failure = failures.get(index);
    if (failure !== undefined) return { failed: { ref: subtask.code, error: failure } };
    const issue = created.shift();
    if (!issue) return { failed: { ref: subtask.code, error: "Jira did not report this sub-task as created" } };
    return {
      created: {
        id: issue.id,
        key: issue.key,
        title: updates[index]?.fields.summary ?? subtask.title,
        url: browseUrl(baseUrl, issue.key),
        code: subtask.code,
      },
    };
  });
}

function elementError(error: BulkCreateAnswer["errors"][number]): string {
  const messages = error.elementErrors?.errorMessages ?? [];
  const fields = Object.entries(error.elementErrors?.errors ?? {}).map(([field, message]) => `${field}: ${String(message)}`);
  const text = [...messages, ...fields].join("; ");
  return `Jira refused this sub-task${text ? `: ${text}` : error.status ? ` (HTTP ${error.status})` : ""}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
