// Every GraphQL document the Linear adapter sends. One custom query per read, asking only for
// the fields the adapter uses: the SDK's model objects load each relation lazily with a request
// of its own (issue.team, issue.children(), …), which turns reading one story into dozens of calls.
// Schema: https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql
// Connection sizes are kept small: Linear prices a query by its nested connection sizes and
// refuses one that is too complex (https://linear.app/developers/rate-limiting).

/** What a child issue tells besides its labels: its marker line, state, assignee and edits. */
const childCoreFields = /* GraphQL */ `
  fragment ChildCoreFields on Issue {
    id
    identifier
    title
    url
    description
    state { name type }
    assignee { id }
    children(first: 1) { nodes { id } }
  }
`;

/** What a child issue tells: enough to see the bot's marker, its state, assignee and edits. */
const childFields = /* GraphQL */ `
  fragment ChildFields on Issue {
    ...ChildCoreFields
    labels(first: 20) { nodes { name } }
  }
  ${childCoreFields}
`;

/** One page of child issues (sub-issues, or a project's issues), each read with ChildFields. */
const childPage = "nodes { ...ChildFields } pageInfo { hasNextPage endCursor }";

/**
 * What creating sub-issues in a team needs: its estimate scale and the state new issues start in.
 * Read with the story, so that creating sub-issues right after needs no extra request.
 */
const teamContextFields = /* GraphQL */ `
  fragment TeamContextFields on Team {
    id
    key
    name
    issueEstimationType
    defaultIssueState { id type }
    states(first: 50, filter: { type: { in: ["backlog", "unstarted"] } }) { nodes { id type position } }
  }
`;

/** What a story tells besides its labels, team and sub-issues (sized per query). */
const storyFields = /* GraphQL */ `
  fragment StoryFields on Issue {
    id
    identifier
    title
    description
    url
    estimate
    state { name type }
    parent { id identifier title url }
  }
`;

/** Labels with a given name: workspace labels and team labels of every team (picked per team). */
const labelsNamed = /* GraphQL */ `
  issueLabels(first: 50, filter: { name: { eqIgnoreCase: $labelName } }) {
    nodes { id name isGroup team { id } }
  }
`;

export const storyQuery = /* GraphQL */ `
  query Story($id: String!, $labelName: String!) {
    issue(id: $id) {
      ...StoryFields
      labels(first: 50) { nodes { name } }
      project { id name }
      team { ...TeamContextFields }
      children(first: 50) {
        ${childPage}
      }
    }
    ${labelsNamed}
  }
  ${storyFields}
  ${childFields}
  ${teamContextFields}
`;

export const storyChildrenQuery = /* GraphQL */ `
  query StoryChildren($id: String!, $after: String) {
    issue(id: $id) {
      children(first: 50, after: $after) {
        ${childPage}
      }
    }
  }
  ${childFields}
`;

export const expandIssueQuery = /* GraphQL */ `
  query ExpandIssue($id: String!, $first: Int!, $after: String) {
    issue(id: $id) {
      id
      identifier
      title
      url
      labels(first: 50) { nodes { name } }
      children(first: $first, after: $after) {
        nodes {
          id
          identifier
          title
          url
          children(first: 1) { nodes { id } }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

export const projectIssuesQuery = /* GraphQL */ `
  query ProjectIssues($id: String!, $first: Int!, $after: String) {
    project(id: $id) {
      id
      name
      url
      issues(first: $first, after: $after, filter: { parent: { null: true } }) {
        nodes { id identifier title url }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** A team as an epic read needs it: the context for creating stories, and its whole estimate scale. */
const epicTeamFields = /* GraphQL */ `
  fragment EpicTeamFields on Team {
    ...TeamContextFields
    issueEstimationExtended
    issueEstimationAllowZero
  }
`;

/** An epic-like issue with its first 50 sub-issues (its stories), each read like a story's child. */
export const epicIssueQuery = /* GraphQL */ `
  query EpicIssue($id: String!, $labelName: String!) {
    issue(id: $id) {
      id
      identifier
      title
      description
      url
      state { name type }
      labels(first: 50) { nodes { name } }
      team { ...EpicTeamFields }
      children(first: 50) {
        ${childPage}
      }
    }
    ${labelsNamed}
  }
  ${childFields}
  ${teamContextFields}
  ${epicTeamFields}
`;

/**
 * The team's other open epic-like issues, told as isLinearEpic tells them: labelled Epic, or with
 * sub-issues that have their own. Asks for one more than `first` in case the epic is among them.
 */
export const teamEpicsQuery = /* GraphQL */ `
  query TeamEpics($teamId: ID!, $first: Int!) {
    issues(
      first: $first
      filter: {
        team: { id: { eq: $teamId } }
        state: { type: { nin: ["completed", "canceled"] } }
        or: [
          { labels: { some: { name: { eqIgnoreCase: "Epic" } } } }
          { children: { some: { children: { length: { gt: 0 } } } } }
        ]
      }
    ) {
      nodes { id identifier title }
    }
  }
`;

/** Projects other than the one read, of its initiative or its team, that are not finished. */
const openProjects = `filter: { status: { type: { nin: ["completed", "canceled"] } } }`;

/**
 * A project with its first 50 top-level issues (its stories), its first team (where stories are
 * created), and the open projects of its first initiative and of that team (its siblings).
 */
export const epicProjectQuery = /* GraphQL */ `
  query EpicProject($id: String!, $labelName: String!, $siblings: Int!) {
    project(id: $id) {
      id
      slugId
      name
      description
      content
      url
      status { type }
      teams(first: 1) {
        nodes {
          ...EpicTeamFields
          projects(first: $siblings, ${openProjects}) { nodes { id slugId name } }
        }
      }
      initiatives(first: 1) {
        nodes { projects(first: $siblings, ${openProjects}) { nodes { id slugId name } } }
      }
      issues(first: 50, filter: { parent: { null: true } }) {
        ${childPage}
      }
    }
    ${labelsNamed}
  }
  ${childFields}
  ${teamContextFields}
  ${epicTeamFields}
`;

export const projectStoriesQuery = /* GraphQL */ `
  query ProjectStories($id: String!, $after: String) {
    project(id: $id) {
      issues(first: 50, after: $after, filter: { parent: { null: true } }) {
        ${childPage}
      }
    }
  }
  ${childFields}
`;

export const teamContextQuery = /* GraphQL */ `
  query TeamContext($teamId: String!, $labelName: String!) {
    team(id: $teamId) { ...TeamContextFields }
    ${labelsNamed}
  }
  ${teamContextFields}
`;

export const labelLookupQuery = /* GraphQL */ `
  query LabelLookup($issueId: String!, $labelName: String!) {
    issue(id: $issueId) { id team { id } }
    ${labelsNamed}
  }
`;

export const createLabelMutation = /* GraphQL */ `
  mutation CreateLabel($input: IssueLabelCreateInput!) {
    issueLabelCreate(input: $input) {
      success
      issueLabel { id name isGroup team { id } }
    }
  }
`;

const createdIssueFields = "id identifier title url";

export const createIssuesMutation = /* GraphQL */ `
  mutation CreateIssues($input: IssueBatchCreateInput!) {
    issueBatchCreate(input: $input) {
      success
      issues { ${createdIssueFields} }
    }
  }
`;

export const createIssueMutation = /* GraphQL */ `
  mutation CreateIssue($input: IssueCreateInput!) {
    issueCreate(input: $input) {
      success
      issue { ${createdIssueFields} }
    }
  }
`;

/** Finds issues by the ids the bot chose for them, to tell whether an earlier create went through. */
export const issuesByIdQuery = /* GraphQL */ `
  query IssuesById($ids: [ID!]!, $first: Int!) {
    issues(first: $first, filter: { id: { in: $ids } }) {
      nodes { ${createdIssueFields} }
    }
  }
`;

export const deleteIssueMutation = /* GraphQL */ `
  mutation DeleteIssue($id: String!) {
    issueDelete(id: $id) { success }
  }
`;

/**
 * One "blocks" relation: `issueId` blocks `relatedIssueId` ("The type of relation of the issue
 * to the related issue"), with an id the bot chose so a repeat cannot make a second one.
 */
export const createIssueRelationMutation = /* GraphQL */ `
  mutation CreateIssueRelation($input: IssueRelationCreateInput!) {
    issueRelationCreate(input: $input) {
      success
      issueRelation { id type }
    }
  }
`;

/**
 * Several "blocks" relations in one request: Linear has no batch mutation for relations, but one
 * GraphQL document may hold several mutations, run in order, each under its own alias (l0, l1…).
 */
export function linkBlocksMutation(count: number): string {
  const aliases = Array.from({ length: count }, (_, index) => `l${index}`);
  return /* GraphQL */ `
  mutation LinkBlocks(${aliases.map((alias) => `$${alias}: IssueRelationCreateInput!`).join(", ")}) {
${aliases.map((alias) => `    ${alias}: issueRelationCreate(input: $${alias}) { success issueRelation { id type } }`).join("\n")}
  }
`;
}

/** A relation by the id the bot chose for it, to tell whether an earlier create went through. */
export const issueRelationQuery = /* GraphQL */ `
  query IssueRelation($id: String!) {
    issueRelation(id: $id) {
      id
      type
      issue { id }
      relatedIssue { id }
    }
  }
`;

/** The relations of issues about to be deleted, both those they hold and those pointing at them. */
export const issueRelationsQuery = /* GraphQL */ `
  query IssueRelations($ids: [ID!]!, $first: Int!) {
    issues(first: $first, filter: { id: { in: $ids } }) {
      nodes {
        id
        relations(first: 50) { nodes { id } }
        inverseRelations(first: 50) { nodes { id } }
      }
    }
  }
`;

export const deleteIssueRelationMutation = /* GraphQL */ `
  mutation DeleteIssueRelation($id: String!) {
    issueRelationDelete(id: $id) { success }
  }
`;

export const createCommentMutation = /* GraphQL */ `
  mutation CreateComment($input: CommentCreateInput!) {
    commentCreate(input: $input) {
      success
      comment { id }
    }
  }
`;

export const addLabelMutation = /* GraphQL */ `
  mutation AddLabel($id: String!, $labelId: String!) {
    issueAddLabel(id: $id, labelId: $labelId) { success }
  }
`;

export const removeLabelMutation = /* GraphQL */ `
  mutation RemoveLabel($id: String!, $labelId: String!) {
    issueRemoveLabel(id: $id, labelId: $labelId) { success }
  }
`;

/** The operation name of a document ("Story", "CreateIssues"), for logs and errors. */
export function operationName(document: string): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "anonymous";
}

/** The teams a person can pick settings for. */
export const teamsQuery = /* GraphQL */ `
  query Teams {
    teams(first: 100) {
      nodes { key name }
    }
  }
`;

/**
 * Up to 50 stories in one request, for a run's resolve step (readStories). Linear prices a query
 * by its nested connection sizes and refuses one above its single-query limit (about 10,000
 * points), so the connections are smaller than storyQuery's: ten sub-issues per story, and of each
 * sub-issue's labels only the bot's (all the marker check needs). A story with more sub-issues is
 * read again alone when its turn comes (children.pageInfo.hasNextPage).
 */
export const storiesQuery = /* GraphQL */ `
  query Stories($ids: [ID!]!, $first: Int!, $labelName: String!) {
    issues(first: $first, filter: { id: { in: $ids } }) {
      nodes {
        ...StoryFields
        labels(first: 20) { nodes { name } }
        team { id key name }
        children(first: 10) {
          nodes {
            ...ChildCoreFields
            labels(first: 1, filter: { name: { eqIgnoreCase: $labelName } }) { nodes { name } }
          }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
  ${storyFields}
  ${childCoreFields}
`;

/** The teams of the user with an email, to tell whether a person may see a team's stories. */
export const userTeamsQuery = /* GraphQL */ `
  query UserTeams($email: String!) {
    users(filter: { email: { eqIgnoreCase: $email } }, first: 2) {
      nodes { id active teams(first: 250) { nodes { key } } }
    }
  }
`;
