// Creates issues the bot made up (a story's sub-issues, an epic's stories) in one Linear team
// with `issueBatchCreate` (up to 50 per call, one transaction: all or none). Each issue gets an id
// the bot chose, so a create repeated after a crash finds the issue it already made instead of
// making a second one. When a batch fails as a whole because Linear refused it, the bot finds out
// which items are to blame by looking up the ids (some may exist already) and creating the rest
// one by one. The bot's label and a team's extra labels are found, or created, once per call.
// https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql (IssueBatchCreateInput)

import { isAppError, type AppError } from "../../errors/app-error.ts";
import type { Logger } from "../../log/logger.ts";
import { TrackerForbidden, TrackerRequestRejected } from "../errors.ts";
import { mapWithLimit } from "../support/map-with-limit.ts";
import type { CreateStoriesResult, CreateSubtasksResult, ItemFailure } from "../types.ts";
import type { LinearCall } from "./graphql.ts";
import { linearIdentity } from "./identity.ts";
import { linearIssueId } from "./issue-id.ts";
import { createIssueMutation, createIssuesMutation, issuesByIdQuery } from "./queries.ts";
import { createIssueAnswer, createIssuesAnswer, issuesByIdAnswer, type LinkedIssue } from "./schemas.ts";
import type { TeamSetups } from "./team-setup.ts";
import { chunks } from "../../collections/chunks.ts";

/** "Up to 50 issues can be created in a single batch" (IssueBatchCreateInput). */
export const LINEAR_BATCH_SIZE = 50;
/** Per-item creates in flight at once, when a batch has to be taken apart. */
const ITEM_CONCURRENCY = 3;

export interface LinearIssueDraft {
  /** ST1, S2: names the item in results and failures. */
  readonly code: string;
  readonly clientId: string;
  readonly title: string;
  /** The markdown as it is written, marker included. */
  readonly description: string;
  /** Where it goes besides the team: a parent issue (parentId) or a project (projectId). */
  readonly placement: { readonly parentId: string } | { readonly projectId: string };
  /** Labels besides the bot's own. */
  readonly labels: readonly string[];
  /** On the team's scale; null: none. */
  readonly estimate: number | null;
}

/** Where the drafts go, and the words for messages. */
export interface LinearIssueBatch {
  readonly teamId: string;
  /** The story or epic they belong to, for messages: "ENG-123". */
  readonly ownerKey: string;
  /** The bot's own label for these issues (BOT_LABEL, BOT_STORY_LABEL). */
  readonly botLabel: string;
  /** "sub-issue", "story"; and the plural. */
  readonly noun: { readonly one: string; readonly many: string };
}

/** Sub-issues and stories come back alike: each created one with its code, and the failures. */
export type CreateLinearIssuesResult = CreateSubtasksResult & CreateStoriesResult;
type CreatedLinearIssue = CreateLinearIssuesResult["created"][number];

export interface CreateIssuesDeps {
  readonly call: LinearCall;
  readonly teams: TeamSetups;
  readonly logger: Logger;
}

interface Item {
  readonly code: string;
  readonly input: Record<string, unknown> & { readonly id: string };
}

type Outcome = { readonly created: CreatedLinearIssue } | { readonly failed: ItemFailure };

export async function createLinearIssues(
  deps: CreateIssuesDeps,
  batch: LinearIssueBatch,
  drafts: readonly LinearIssueDraft[],
): Promise<CreateLinearIssuesResult> {
  if (drafts.length === 0) return { created: [], failed: [] };
  // Failures here (auth, permissions, the team gone) concern every item: nothing was created, so throw.
  const setup = await deps.teams.setup(batch.teamId);
  const labelId = await labelIdOrNone(deps, batch, batch.botLabel);
  // A team's extra labels, found or created once for the whole batch.
  const extraIds = new Map<string, string | null>();
  for (const name of new Set(drafts.flatMap((draft) => draft.labels))) extraIds.set(name, await labelIdOrNone(deps, batch, name));

  const items: Item[] = drafts.map((draft) => {
    const labelIds = [labelId, ...draft.labels.map((name) => extraIds.get(name) ?? null)].filter((id): id is string => id !== null);
    return {
      code: draft.code,
      input: {
        id: linearIssueId(draft.clientId),
        teamId: batch.teamId,
        ...draft.placement,
        title: draft.title,
        description: draft.description,
        ...(labelIds.length > 0 ? { labelIds: [...new Set(labelIds)] } : {}),
        ...(setup.stateId ? { stateId: setup.stateId } : {}),
        // IssueCreateInput.estimate is an Int.
        ...(draft.estimate === null || !Number.isInteger(draft.estimate) ? {} : { estimate: draft.estimate }),
      },
    };
  });

  const outcomes: Outcome[] = [];
  const parts = chunks(items, LINEAR_BATCH_SIZE);
  for (const [index, chunk] of parts.entries()) {
    try {
      outcomes.push(...(await createChunk(deps.call, batch, chunk)));
    } catch (error) {
      const somethingCreated = outcomes.some((outcome) => "created" in outcome);
      if (!somethingCreated || !isAppError(error)) throw error;
      // Keep what was made; the rest fails with the reason.
      outcomes.push(...parts.slice(index).flat().map((item) => ({ failed: { ref: item.code, error: error.message } })));
      break;
    }
  }
  return {
    created: outcomes.flatMap((outcome) => ("created" in outcome ? [outcome.created] : [])),
    failed: outcomes.flatMap((outcome) => ("failed" in outcome ? [outcome.failed] : [])),
  };
}

/**
 * A label's id, created in the team when missing. When the bot may not create labels, the
 * issues go without it (for the bot's own label, the footer alone still marks them).
 */
async function labelIdOrNone(deps: CreateIssuesDeps, batch: LinearIssueBatch, name: string): Promise<string | null> {
  try {
    return await deps.teams.labelId(batch.teamId, name, { create: true });
  } catch (error) {
    if (!(error instanceof TrackerForbidden || error instanceof TrackerRequestRejected)) throw error;
    deps.logger.warn(
      { teamId: batch.teamId, label: name, err: error.message },
      `cannot create the label "${name}": ${batch.noun.many} are created without it`,
    );
    return null;
  }
}

async function createChunk(call: LinearCall, batch: LinearIssueBatch, chunk: readonly Item[]): Promise<Outcome[]> {
  try {
    const answer = await call(createIssuesMutation, { input: { issues: chunk.map((item) => item.input) } }, createIssuesAnswer, {
      action: `create ${batch.noun.many} of ${batch.ownerKey}`,
      // Every issue carries its own id, so a batch sent twice cannot make issues twice.
      retryOn: "retryable",
    });
    if (!answer.issueBatchCreate.success) throw new TrackerRequestRejected(linearIdentity, `Linear did not create the ${batch.noun.many}`);
    const byId = new Map(answer.issueBatchCreate.issues.map((issue) => [issue.id, issue]));
    return chunk.map((item) => outcomeFor(item, byId.get(item.input.id), `Linear did not return this ${batch.noun.one}`));
  } catch (error) {
    // Only a refusal can be down to single items (a bad field, an id that exists already);
    // rate limits, outages and auth failures hit each item the same way.
    if (!(error instanceof TrackerRequestRejected)) throw error;
    return createOneByOne(call, batch, chunk, error);
  }
}

async function createOneByOne(
  call: LinearCall,
  batch: LinearIssueBatch,
  chunk: readonly Item[],
  batchError: AppError,
): Promise<Outcome[]> {
  const existing = await findExisting(call, batch, chunk);
  const results = await mapWithLimit(chunk, ITEM_CONCURRENCY, async (item): Promise<LinkedIssue | AppError> => {
    const found = existing.get(item.input.id);
    if (found) return found;
    try {
      const answer = await call(createIssueMutation, { input: item.input }, createIssueAnswer, {
        action: `create the ${batch.noun.one} ${item.code} of ${batch.ownerKey}`,
        retryOn: "retryable",
      });
      return answer.issueCreate.success && answer.issueCreate.issue
        ? answer.issueCreate.issue
        : new TrackerRequestRejected(linearIdentity, `Linear did not create this ${batch.noun.one}`);
    } catch (error) {
      if (isAppError(error)) return error;
      throw error;
    }
  });
  // A create that failed after a retry may have gone through the first time: look once more.
  const failedItems = chunk.filter((_item, index) => !isIssue(results[index]));
  const rescued =
    failedItems.length > 0 ? await findExisting(call, batch, failedItems).catch(() => new Map<string, LinkedIssue>()) : new Map<string, LinkedIssue>();
  return chunk.map((item, index) => {
    const result = results[index] ?? batchError;
    if (isIssue(result)) return outcomeFor(item, result, "");
    return outcomeFor(item, rescued.get(item.input.id), result.message);
  });
}

function isIssue(result: LinkedIssue | AppError | undefined): result is LinkedIssue {
  return result !== undefined && !(result instanceof Error);
}

/** The issues among `items` that exist already (made by an earlier attempt), by id. */
async function findExisting(call: LinearCall, batch: LinearIssueBatch, items: readonly Item[]): Promise<Map<string, LinkedIssue>> {
  const answer = await call(
    issuesByIdQuery,
    { ids: items.map((item) => item.input.id), first: items.length },
    issuesByIdAnswer,
    { action: `look up ${batch.noun.many} created earlier` },
  );
  return new Map(answer.issues.nodes.map((issue) => [issue.id, issue]));
}

function outcomeFor(item: Item, issue: LinkedIssue | undefined, error: string): Outcome {
  if (!issue) return { failed: { ref: item.code, error } };
  return { created: { id: issue.id, key: issue.identifier, title: issue.title, url: issue.url, code: item.code } };
}
