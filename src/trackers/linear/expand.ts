// The stories behind a Linear reference: a project's top-level issues, an epic-like issue's
// sub-issues, or the story itself. Paginated 50 at a time and capped at `limit`.

import type { Expansion, TrackerItemSummary, TrackerRef } from "../types.ts";
import type { LinearCall } from "./graphql.ts";
import { expandIssueQuery, projectIssuesQuery } from "./queries.ts";
import { isLinearEpic } from "./read-story.ts";
import { expandIssueAnswer, projectIssuesAnswer, type LinkedIssue } from "./schemas.ts";

const PAGE_SIZE = 50;

export async function expandLinear(deps: { readonly call: LinearCall }, ref: TrackerRef, limit: number): Promise<Expansion> {
  return ref.kind === "project" ? expandProject(deps.call, ref, limit) : expandIssue(deps.call, ref, limit);
}

async function expandProject(call: LinearCall, ref: TrackerRef, limit: number): Promise<Expansion> {
  const stories: LinkedIssue[] = [];
  let after: string | null | undefined;
  let project: { id: string; name: string; url: string } | undefined;
  let more = true;
  while (more && stories.length <= limit) {
    const answer = await call(
      projectIssuesQuery,
      { id: ref.key, first: Math.min(PAGE_SIZE, limit + 1 - stories.length), after: after ?? null },
      projectIssuesAnswer,
      { action: `read the issues of the project ${ref.key}`, notFoundKey: ref.key, notFoundKind: "project" },
    );
    project = answer.project;
    stories.push(...answer.project.issues.nodes);
    more = answer.project.issues.pageInfo.hasNextPage && Boolean(answer.project.issues.pageInfo.endCursor);
    after = answer.project.issues.pageInfo.endCursor;
  }
  const epic = { id: project?.id ?? ref.key, key: ref.key, title: project?.name ?? ref.key, url: project?.url ?? ref.input };
  return capped(epic, stories, limit, `The project ${epic.title}`);
}

async function expandIssue(call: LinearCall, ref: TrackerRef, limit: number): Promise<Expansion> {
  const stories: LinkedIssue[] = [];
  let after: string | null | undefined;
  let issue: LinkedIssue | undefined;
  let more = true;
  while (more && stories.length <= limit) {
    const answer = await call(
      expandIssueQuery,
      { id: ref.key, first: issue ? Math.min(PAGE_SIZE, limit + 1 - stories.length) : PAGE_SIZE, after: after ?? null },
      expandIssueAnswer,
      { action: `read ${ref.key}`, notFoundKey: ref.key },
    );
    const { children, labels, ...self } = answer.issue;
    if (!issue) {
      issue = self;
      // Decided on the first page: a plain story expands to itself.
      if (!isLinearEpic(labels.nodes.map((label) => label.name), children.nodes)) {
        return { epic: null, stories: [summary(self)], capped: false };
      }
    }
    stories.push(...children.nodes.map(({ children: _grandchildren, ...child }) => child));
    more = children.pageInfo.hasNextPage && Boolean(children.pageInfo.endCursor);
    after = children.pageInfo.endCursor;
  }
  const epic = summary(issue as LinkedIssue);
  return capped(epic, stories, limit, epic.key);
}

function summary(issue: LinkedIssue): TrackerItemSummary {
  return { id: issue.id, key: issue.identifier, title: issue.title, url: issue.url };
}

function capped(epic: TrackerItemSummary, found: readonly LinkedIssue[], limit: number, name: string): Expansion {
  const stories = found.slice(0, limit).map(summary);
  if (found.length <= limit) return { epic, stories, capped: false };
  return { epic, stories, capped: true, message: `${name} has more than ${limit} stories; taking the first ${limit}` };
}
