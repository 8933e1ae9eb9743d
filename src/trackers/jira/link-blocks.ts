// Dependencies between a story's sub-tasks as Jira "Blocks" issue links.
//
// The link type is the one named "Blocks" (inward "is blocked by", outward "blocks"), looked up
// with GET /rest/api/3/issueLinkType: admins can rename or delete link types, and a site without
// it, or with issue linking turned off, gets no links; the result says why instead.
//
// POST /rest/api/3/issueLink {type, inwardIssue: blocker, outwardIssue: blocked} shows in Jira as
// "blocker blocks blocked" and "blocked is blocked by blocker". Atlassian's reference words the
// two ends the other way round, but Jira shows the inwardIssue as the one that blocks
// (mozilla/jira-bugzilla-integration#1285, atlassian/atlassian-mcp-server#112); reading the link
// back agrees: the blocked issue lists the blocker under `inwardIssue`, which its view reads as
// "is blocked by" (https://developer.atlassian.com/cloud/jira/platform/issue-linking-model/).
//
// Jira takes no client-chosen id for a link and answers a create with no body. Before creating,
// the blocked sub-task's links are read (GET /rest/api/3/issue/{key}?fields=issuelinks), so a
// link made by an attempt that died before recording it is reported, not made again.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/

import { isAppError } from "../../errors/app-error.ts";
import { blocksLinkRef } from "../support/blocks-link.ts";
import { mapWithLimit } from "../support/map-with-limit.ts";
import type { BlocksLink, ItemFailure, LinkBlocksResult } from "../types.ts";
import type { JiraCall } from "./call.ts";
import { ignored, issueLinkTypes, jiraIssueLinks } from "./schemas.ts";
import { JiraHttpError } from "./transport.ts";

export const BLOCKS_LINK_TYPE = "Blocks";
/** Blocked sub-tasks worked on at once. */
const LINK_CONCURRENCY = 3;

export interface LinkType {
  readonly id: string;
  readonly name: string;
}

export interface BlocksLinkType {
  /** The site's "Blocks" type, or why there is none. */
  find(): Promise<LinkType | { readonly unavailable: string }>;
}

/** Asks the site for its link types; a "Blocks" type once found is kept, a missing one asked for again next time. */
export function createBlocksLinkType(deps: { readonly call: JiraCall }): BlocksLinkType {
  let found: Promise<LinkType> | undefined;
  return {
    async find() {
      if (found) return found;
      const answer = await deps.call(
        async (jira) => {
          try {
            return await jira.issueLinkTypes.getIssueLinkTypes();
          } catch (error) {
            // "To use this operation, the site must have issue linking enabled": without it, 404.
            if (error instanceof JiraHttpError && error.status === 404) return null;
            throw error;
          }
        },
        issueLinkTypes.nullable(),
        { action: "read the issue link types" },
      );
      if (answer === null) {
        return { unavailable: "Issue linking is turned off on this Jira site, so the dependencies between sub-tasks are only in their descriptions." };
      }
      const type = answer.issueLinkTypes.find((candidate) => candidate.name.toLowerCase() === BLOCKS_LINK_TYPE.toLowerCase());
      if (!type) {
        return { unavailable: `This Jira site has no "${BLOCKS_LINK_TYPE}" issue link type, so the dependencies between sub-tasks are only in their descriptions.` };
      }
      const linkType = { id: type.id, name: type.name };
      found = Promise.resolve(linkType);
      return linkType;
    },
  };
}

export async function linkJiraBlocks(
  deps: { readonly call: JiraCall; readonly linkType: BlocksLinkType },
  links: readonly BlocksLink[],
): Promise<LinkBlocksResult> {
  if (links.length === 0) return { linked: [], failed: [] };
  const type = await deps.linkType.find();
  if ("unavailable" in type) return { linked: [], failed: [], unavailable: type.unavailable };

  // One read of the links of each blocked sub-task, then its missing links one by one.
  const byBlocked = new Map<string, BlocksLink[]>();
  for (const link of links) byBlocked.set(link.blocked.id, [...(byBlocked.get(link.blocked.id) ?? []), link]);
  const outcomes = new Map<BlocksLink, ItemFailure | null>();
  await mapWithLimit([...byBlocked.values()], LINK_CONCURRENCY, async (group) => {
    for (const [link, outcome] of await linkGroup(deps.call, type, group)) outcomes.set(link, outcome);
  });
  return {
    linked: links.filter((link) => outcomes.get(link) === null),
    failed: links.flatMap((link) => {
      const failure = outcomes.get(link);
      return failure ? [failure] : [];
    }),
  };
}

/** Links of one blocked sub-task: null where the link exists now. */
async function linkGroup(call: JiraCall, type: LinkType, group: readonly BlocksLink[]): Promise<Map<BlocksLink, ItemFailure | null>> {
  const blocked = group[0]!.blocked;
  const outcomes = new Map<BlocksLink, ItemFailure | null>();
  let blockers: Set<string>;
  try {
    const issue = await call((jira) => jira.issues.getIssue({ issueIdOrKey: blocked.key, fields: ["issuelinks"] }), jiraIssueLinks, {
      action: `read the links of ${blocked.key}`,
      permission: "Browse projects",
      notFoundKey: blocked.key,
    });
    // On the blocked issue, a "Blocks" link names its blocker under inwardIssue.
    const existing = issue.fields.issuelinks.filter((entry) => entry.type.id === type.id || entry.type.name === type.name);
    blockers = new Set(existing.flatMap((entry) => (entry.inwardIssue ? [entry.inwardIssue.id, entry.inwardIssue.key] : [])));
  } catch (error) {
    if (!isAppError(error)) throw error;
    for (const link of group) outcomes.set(link, { ref: blocksLinkRef(link), error: error.message });
    return outcomes;
  }
  for (const link of group) {
    if (blockers.has(link.blocker.id) || blockers.has(link.blocker.key)) {
      outcomes.set(link, null);
      continue;
    }
    try {
      await call(
        (jira) =>
          jira.issueLinks.linkIssues({ type: { id: type.id }, inwardIssue: { key: link.blocker.key }, outwardIssue: { key: link.blocked.key } }),
        ignored,
        // "If the link request duplicates a link, the response indicates that the issue link was
        // created": a repeat makes no second link, so outages are retried too.
        { action: `link ${link.blocker.key} as blocking ${link.blocked.key}`, permission: "Link issues", retryOn: "retryable" },
      );
      outcomes.set(link, null);
    } catch (error) {
      if (!isAppError(error)) throw error;
      outcomes.set(link, { ref: blocksLinkRef(link), error: error.message });
    }
  }
  return outcomes;
}
