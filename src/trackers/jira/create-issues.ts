// Creates issues the bot made up (a story's sub-tasks, an epic's stories) with
// POST /rest/api/3/issue/bulk, 50 per call. Jira creates what it can and lists the elements it
// refused by index (`failedElementNumber`); when every element fails it answers 400 with the
// same body. Jira takes no client-chosen id: a create is not retried after an ambiguous failure,
// and the run layer tells a repeat by the marker each issue carries.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-bulk-post

import { isAppError } from "../../errors/app-error.ts";
import type { Logger } from "../../log/logger.ts";
import type { CreateStoriesResult, CreateSubtasksResult, ItemFailure } from "../types.ts";
import type { JiraCall } from "./call.ts";
import type { CreateScreen, IssueType } from "./issue-types.ts";
import { browseUrl } from "./read-story.ts";
import { bulkCreateAnswer, type BulkCreateAnswer } from "./schemas.ts";
import { JiraHttpError } from "./transport.ts";
import { chunks } from "../../collections/chunks.ts";

/** "The maximum number of issues that can be created in each call is 50." */
export const JIRA_BULK_SIZE = 50;
/** Jira's summary field holds at most 255 characters. */
export const SUMMARY_MAX = 255;

export interface JiraIssueDraft {
  /** ST1, S2: names the item in results and failures. */
  readonly code: string;
  /** The create's `fields`, summary included. */
  readonly fields: Readonly<Record<string, unknown>> & { readonly summary: string };
}

/** Sub-tasks and stories come back alike: each created one with its code, and the failures. */
export type CreateJiraIssuesResult = CreateSubtasksResult & CreateStoriesResult;
type CreatedJiraIssue = CreateJiraIssuesResult["created"][number];

/** The story or epic they belong to (for messages), and the words for them. */
export interface JiraIssueBatch {
  readonly ownerKey: string;
  /** "sub-task", "story"; and the plural. */
  readonly noun: { readonly one: string; readonly many: string };
}

type Outcome = { readonly created: CreatedJiraIssue } | { readonly failed: ItemFailure };

export async function createJiraIssues(
  deps: { readonly call: JiraCall; readonly baseUrl: string },
  batch: JiraIssueBatch,
  drafts: readonly JiraIssueDraft[],
): Promise<CreateJiraIssuesResult> {
  const outcomes: Outcome[] = [];
  const parts = chunks(drafts, JIRA_BULK_SIZE);
  for (const [index, chunk] of parts.entries()) {
    let answer: BulkCreateAnswer;
    try {
      answer = await deps.call(
        async (jira) => {
          try {
            return await jira.issues.createIssues({ issueUpdates: chunk.map((draft) => ({ fields: { ...draft.fields } })) });
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
        { action: `create ${batch.noun.many} of ${batch.ownerKey}`, permission: "Create issues", retryOn: "rate-limit" },
      );
    } catch (error) {
      if (!outcomes.some((outcome) => "created" in outcome) || !isAppError(error)) throw error;
      outcomes.push(...parts.slice(index).flat().map((draft) => ({ failed: { ref: draft.code, error: error.message } })));
      break;
    }
    outcomes.push(...matchChunk(deps.baseUrl, batch, chunk, answer));
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
function matchChunk(baseUrl: string, batch: JiraIssueBatch, chunk: readonly JiraIssueDraft[], answer: BulkCreateAnswer): Outcome[] {
  const failures = new Map<number, string>();
  for (const error of answer.errors) {
    if (error.failedElementNumber !== undefined) failures.set(error.failedElementNumber, elementError(batch, error));
  }
  const created = [...answer.issues];
  return chunk.map((draft, index): Outcome => {
    const failure = failures.get(index);
    if (failure !== undefined) return { failed: { ref: draft.code, error: failure } };
    const issue = created.shift();
    if (!issue) return { failed: { ref: draft.code, error: `Jira did not report this ${batch.noun.one} as created` } };
    return {
      created: { id: issue.id, key: issue.key, title: draft.fields.summary, url: browseUrl(baseUrl, issue.key), code: draft.code },
    };
  });
}

function elementError(batch: JiraIssueBatch, error: BulkCreateAnswer["errors"][number]): string {
  const messages = error.elementErrors?.errorMessages ?? [];
  const fields = Object.entries(error.elementErrors?.errors ?? {}).map(([field, message]) => `${field}: ${String(message)}`);
  const text = [...messages, ...fields].join("; ");
  return `Jira refused this ${batch.noun.one}${text ? `: ${text}` : error.status ? ` (HTTP ${error.status})` : ""}`;
}

/** A title as Jira's summary holds it. */
export function asSummary(text: string): string {
  return text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 1)}…`;
}

/**
 * Whether the issues may carry labels: without Labels on the create screen Jira would refuse
 * every one of them, so they go without (the footer still marks them), and the log says so.
 */
export function screenTakesLabels(
  logger: Logger,
  screen: CreateScreen,
  about: { readonly project: string; readonly type: IssueType; readonly label: string; readonly noun: string },
): boolean {
  const labelled = screen.has("labels") || screen.size === 0;
  if (!labelled) {
    logger.warn(
      { project: about.project, issueType: about.type.name },
      `the ${about.type.name} create screen has no Labels field: ${about.noun} are created without the ${about.label} label`,
    );
  }
  return labelled;
}
