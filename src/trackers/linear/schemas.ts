// The shapes of the answers to the documents in queries.ts, checked before use so a malformed
// answer fails here with a clear error instead of deep inside the adapter.

import { z } from "zod";

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const names = z.object({ nodes: z.array(z.object({ name: z.string() })) });
const ids = z.object({ nodes: z.array(z.object({ id: z.string() })) });

export const linkedIssue = z.object({ id: z.string(), identifier: z.string(), title: z.string(), url: z.string() });
export type LinkedIssue = z.infer<typeof linkedIssue>;

export const child = linkedIssue.extend({
  description: z.string().nullish(),
  state: z.object({ name: z.string(), type: z.string() }),
  assignee: z.object({ id: z.string() }).nullish(),
  labels: names,
  children: ids,
});
export type LinearChild = z.infer<typeof child>;

export const teamContext = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  issueEstimationType: z.string(),
  defaultIssueState: z.object({ id: z.string(), type: z.string() }).nullish(),
  states: z.object({ nodes: z.array(z.object({ id: z.string(), type: z.string(), position: z.number() })) }),
});
export type TeamContext = z.infer<typeof teamContext>;

export const label = z.object({
  id: z.string(),
  name: z.string(),
  isGroup: z.boolean().nullish(),
  team: z.object({ id: z.string() }).nullish(),
});
export type LinearLabel = z.infer<typeof label>;
const labels = z.object({ nodes: z.array(label) });

const childConnection = z.object({ nodes: z.array(child), pageInfo });

export const storyAnswer = z.object({
  issue: linkedIssue.extend({
    description: z.string().nullish(),
    estimate: z.number().nullish(),
    state: z.object({ name: z.string(), type: z.string() }),
    labels: names,
    parent: linkedIssue.nullish(),
    project: z.object({ id: z.string(), name: z.string() }).nullish(),
    team: teamContext,
    children: childConnection,
  }),
  issueLabels: labels,
});
export type StoryAnswer = z.infer<typeof storyAnswer>;

export const storiesAnswer = z.object({
  issues: z.object({
    nodes: z.array(
      storyAnswer.shape.issue.omit({ project: true, team: true }).extend({ team: z.object({ id: z.string(), key: z.string(), name: z.string() }) }),
    ),
  }),
});
export type StoriesAnswer = z.infer<typeof storiesAnswer>;

export const storyChildrenAnswer = z.object({ issue: z.object({ children: childConnection }) });

export const expandIssueAnswer = z.object({
  issue: linkedIssue.extend({
    labels: names,
    children: z.object({ nodes: z.array(linkedIssue.extend({ children: ids })), pageInfo }),
  }),
});

export const projectIssuesAnswer = z.object({
  project: z.object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    issues: z.object({ nodes: z.array(linkedIssue), pageInfo }),
  }),
});

export const epicTeam = teamContext.extend({
  issueEstimationExtended: z.boolean(),
  issueEstimationAllowZero: z.boolean(),
});

export const epicIssueAnswer = z.object({
  issue: linkedIssue.extend({
    description: z.string().nullish(),
    state: z.object({ name: z.string(), type: z.string() }),
    labels: names,
    team: epicTeam,
    children: childConnection,
  }),
  issueLabels: labels,
});

export const teamEpicsAnswer = z.object({
  issues: z.object({ nodes: z.array(z.object({ id: z.string(), identifier: z.string(), title: z.string() })) }),
});

const projectSummaries = z.object({ nodes: z.array(z.object({ id: z.string(), slugId: z.string(), name: z.string() })) });

export const epicProjectAnswer = z.object({
  project: z.object({
    id: z.string(),
    slugId: z.string(),
    name: z.string(),
    description: z.string().nullish(),
    content: z.string().nullish(),
    url: z.string(),
    status: z.object({ type: z.string() }),
    teams: z.object({ nodes: z.array(epicTeam.extend({ projects: projectSummaries })) }),
    initiatives: z.object({ nodes: z.array(z.object({ projects: projectSummaries })) }),
    issues: childConnection,
  }),
  issueLabels: labels,
});

export const projectStoriesAnswer = z.object({ project: z.object({ issues: childConnection }) });

export const teamContextAnswer = z.object({ team: teamContext, issueLabels: labels });

export const labelLookupAnswer = z.object({
  issue: z.object({ id: z.string(), team: z.object({ id: z.string() }) }),
  issueLabels: labels,
});

export const createLabelAnswer = z.object({
  issueLabelCreate: z.object({ success: z.boolean(), issueLabel: label }),
});

export const createIssuesAnswer = z.object({
  issueBatchCreate: z.object({ success: z.boolean(), issues: z.array(linkedIssue) }),
});

export const createIssueAnswer = z.object({
  issueCreate: z.object({ success: z.boolean(), issue: linkedIssue.nullish() }),
});

export const issuesByIdAnswer = z.object({ issues: z.object({ nodes: z.array(linkedIssue) }) });

const issueRelationCreated = z.object({ success: z.boolean(), issueRelation: z.object({ id: z.string(), type: z.string() }).nullish() });

export const createIssueRelationAnswer = z.object({ issueRelationCreate: issueRelationCreated });

/** LinkBlocks (queries.ts linkBlocksMutation): one issueRelationCreate answer per alias. */
export const linkBlocksAnswer = z.record(z.string(), issueRelationCreated);

export const issueRelationAnswer = z.object({
  issueRelation: z.object({ id: z.string(), type: z.string(), issue: z.object({ id: z.string() }), relatedIssue: z.object({ id: z.string() }) }),
});

export const issueRelationsAnswer = z.object({
  issues: z.object({ nodes: z.array(z.object({ id: z.string(), relations: ids, inverseRelations: ids })) }),
});

const success = z.object({ success: z.boolean() });
export const deleteIssueRelationAnswer = z.object({ issueRelationDelete: success });
export const deleteIssueAnswer = z.object({ issueDelete: success });
export const createCommentAnswer = z.object({ commentCreate: success });
export const addLabelAnswer = z.object({ issueAddLabel: success });
export const removeLabelAnswer = z.object({ issueRemoveLabel: success });

export const teamsAnswer = z.object({ teams: z.object({ nodes: z.array(z.object({ key: z.string(), name: z.string() })) }) });

export const userTeamsAnswer = z.object({
  users: z.object({
    nodes: z.array(z.object({ id: z.string(), active: z.boolean(), teams: z.object({ nodes: z.array(z.object({ key: z.string() })) }) })),
  }),
});
