// Deletes sub-issues with issueDelete, which moves each to the trash, where people can restore it
// for 30 days. Nothing in Linear's schema says a trashed issue loses its relations, and a
// restorable issue presumably keeps them, so a "blocks" relation between a deleted sub-issue and
// one that stays could go on pointing at the trash. Each sub-issue's relations (those it holds
// and those pointing at it) are deleted first, so none is left behind.
// https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql (issueDelete, issueRelationDelete)

import { isAppError } from "../../errors/app-error.ts";
import { StoryNotFound } from "../errors.ts";
import { deleteEach } from "../support/delete-each.ts";
import type { DeleteSubtasksResult } from "../types.ts";
import type { LinearCall } from "./graphql.ts";
import { deleteIssueMutation, deleteIssueRelationMutation, issueRelationsQuery } from "./queries.ts";
import { deleteIssueAnswer, deleteIssueRelationAnswer, issueRelationsAnswer } from "./schemas.ts";
import { chunks } from "../../collections/chunks.ts";

const DELETE_CONCURRENCY = 3;
/** Issues per relations query: each asks for up to 100 relations, and Linear prices a query by its size. */
const RELATIONS_PAGE = 25;

export async function deleteLinearSubtasks(deps: { readonly call: LinearCall }, ids: readonly string[]): Promise<DeleteSubtasksResult> {
  const { call } = deps;
  let relations: Map<string, string[]>;
  try {
    relations = await relationsOf(call, ids);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { deleted: [], failed: ids.map((id) => ({ ref: id, error: error.message })) };
  }
  return deleteEach(ids, DELETE_CONCURRENCY, async (id) => {
    for (const relationId of relations.get(id) ?? []) {
      try {
        await call(deleteIssueRelationMutation, { id: relationId }, deleteIssueRelationAnswer, {
          action: `delete the relation ${relationId} of ${id}`,
          notFoundKey: relationId,
        });
      } catch (error) {
        // Gone already (deleted with the other end, or by a person): what was wanted.
        if (!(error instanceof StoryNotFound)) throw error;
      }
    }
    await call(deleteIssueMutation, { id }, deleteIssueAnswer, { action: `delete ${id}`, notFoundKey: id });
  });
}

/** Relation ids by issue; a relation between two of the issues is listed under the first only. */
async function relationsOf(call: LinearCall, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byIssue = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const page of chunks(ids, RELATIONS_PAGE)) {
    const answer = await call(issueRelationsQuery, { ids: page, first: page.length }, issueRelationsAnswer, {
      action: "read the relations of the sub-issues to delete",
    });
    const nodes = new Map(answer.issues.nodes.map((node) => [node.id, node]));
    for (const id of page) {
      const node = nodes.get(id);
      if (!node) continue;
      const own = [...node.relations.nodes, ...node.inverseRelations.nodes].map((relation) => relation.id).filter((relationId) => !seen.has(relationId));
      for (const relationId of own) seen.add(relationId);
      if (own.length > 0) byIssue.set(id, own);
    }
  }
  return byIssue;
}
