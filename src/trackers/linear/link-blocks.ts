// Dependencies between a story's sub-issues as Linear "blocks" relations, made with
// issueRelationCreate: `issueId` is the blocker, `relatedIssueId` the issue it blocks. Linear has
// no batch mutation for relations, so a story's links go as one document of aliased mutations,
// one request for all of them; when any is refused, each is made on its own, as below. Each
// relation carries an id the bot chose
// (IssueRelationCreateInput.id), derived from run, story and both codes, so a create repeated
// after a crash cannot make a second relation: Linear refuses the id, and the bot finds the
// relation made the first time by that id.
// https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql (IssueRelationCreateInput, IssueRelation)

import { isAppError, type AppError } from "../../errors/app-error.ts";
import { TrackerRequestRejected } from "../errors.ts";
import { blocksLinkRef } from "../support/blocks-link.ts";
import { mapWithLimit } from "../support/map-with-limit.ts";
import type { BlocksLink, ItemFailure, LinkBlocksResult } from "../types.ts";
import type { LinearCall } from "./graphql.ts";
import { linearIdentity } from "./identity.ts";
import { linearIssueId } from "./issue-id.ts";
import { createIssueRelationMutation, issueRelationQuery, linkBlocksMutation } from "./queries.ts";
import { createIssueRelationAnswer, issueRelationAnswer, linkBlocksAnswer } from "./schemas.ts";
import { chunks } from "../../collections/chunks.ts";

/** Relation creates in flight at once, when made one by one. */
const LINK_CONCURRENCY = 3;
/** Links per request: a story's links fit in one (a breakdown has at most 15 subtasks). */
export const LINKS_PER_REQUEST = 25;

export async function linkLinearBlocks(deps: { readonly call: LinearCall }, links: readonly BlocksLink[]): Promise<LinkBlocksResult> {
  const madeAtOnce = new Set<BlocksLink>();
  for (const chunk of chunks(links, LINKS_PER_REQUEST)) {
    if (chunk.length > 1 && (await linkAtOnce(deps.call, chunk))) for (const link of chunk) madeAtOnce.add(link);
  }
  const rest = links.filter((link) => !madeAtOnce.has(link));
  // One by one: after a request refused in part, those it made are found by their ids.
  const failures = await mapWithLimit(rest, LINK_CONCURRENCY, (link) => linkOne(deps.call, link));
  const failed = failures.flatMap((failure) => (failure ? [failure] : []));
  const linked = links.filter((link) => madeAtOnce.has(link) || failures[rest.indexOf(link)] === null);
  return { linked, failed };
}

/** Whether one request made every link of `links`; false when anything was refused or failed. */
async function linkAtOnce(call: LinearCall, links: readonly BlocksLink[]): Promise<boolean> {
  const variables = Object.fromEntries(links.map((link, index) => [`l${index}`, relationInput(link)]));
  try {
    const answer = await call(linkBlocksMutation(links.length), variables, linkBlocksAnswer, {
      action: `make ${links.length} "blocks" links between sub-issues`,
      // The ids make a repeat harmless, so outages are retried too.
      retryOn: "retryable",
    });
    return links.every((_link, index) => answer[`l${index}`]?.success === true);
  } catch (error) {
    if (isAppError(error)) return false;
    throw error;
  }
}

function relationInput(link: BlocksLink) {
  return { id: linearIssueId(link.clientId), issueId: link.blocker.id, relatedIssueId: link.blocked.id, type: "blocks" };
}

/** Null when the relation exists now. */
async function linkOne(call: LinearCall, link: BlocksLink): Promise<ItemFailure | null> {
  const id = linearIssueId(link.clientId);
  const action = `link ${link.blocker.key} as blocking ${link.blocked.key}`;
  let failure: AppError;
  try {
    const answer = await call(
      createIssueRelationMutation,
      { input: relationInput(link) },
      createIssueRelationAnswer,
      // The id makes a repeat harmless, so outages are retried too.
      { action, retryOn: "retryable" },
    );
    if (answer.issueRelationCreate.success) return null;
    failure = new TrackerRequestRejected(linearIdentity, `Linear did not ${action}`);
  } catch (error) {
    if (!isAppError(error)) throw error;
    failure = error;
  }
  // Refused because the id exists (made before a crash), or failed after an attempt that may
  // have gone through: the relation made then is found by its id.
  return (await madeEarlier(call, id, link)) ? null : { ref: blocksLinkRef(link), error: failure.message };
}

async function madeEarlier(call: LinearCall, id: string, link: BlocksLink): Promise<boolean> {
  try {
    const { issueRelation } = await call(issueRelationQuery, { id }, issueRelationAnswer, { action: `look up the relation ${id}` });
    return issueRelation.type === "blocks" && issueRelation.issue.id === link.blocker.id && issueRelation.relatedIssue.id === link.blocked.id;
  } catch (error) {
    if (isAppError(error)) return false;
    throw error;
  }
}
