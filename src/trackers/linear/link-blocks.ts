// Dependencies between a story's sub-issues as Linear "blocks" relations, made with
// issueRelationCreate, one call per link (Linear has no batch for relations): `issueId` is the
// blocker, `relatedIssueId` the issue it blocks. Each relation carries an id the bot chose
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
import { createIssueRelationMutation, issueRelationQuery } from "./queries.ts";
import { createIssueRelationAnswer, issueRelationAnswer } from "./schemas.ts";

/** Relation creates in flight at once. */
const LINK_CONCURRENCY = 3;

export async function linkLinearBlocks(deps: { readonly call: LinearCall }, links: readonly BlocksLink[]): Promise<LinkBlocksResult> {
  const failures = await mapWithLimit(links, LINK_CONCURRENCY, (link) => linkOne(deps.call, link));
  return {
    linked: links.filter((_link, index) => failures[index] === null),
    failed: failures.flatMap((failure) => (failure ? [failure] : [])),
  };
}

/** Null when the relation exists now. */
async function linkOne(call: LinearCall, link: BlocksLink): Promise<ItemFailure | null> {
  const id = linearIssueId(link.clientId);
  const action = `link ${link.blocker.key} as blocking ${link.blocked.key}`;
  let failure: AppError;
  try {
    const answer = await call(
      createIssueRelationMutation,
      { input: { id, issueId: link.blocker.id, relatedIssueId: link.blocked.id, type: "blocks" } },
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
