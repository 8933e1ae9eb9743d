// Every GraphQL document the Linear adapter sends. One custom query per read, asking only for
// the fields the adapter uses: the SDK's model objects load each relation lazily with a request
// of its own (issue.team, issue.children(), …), which turns reading one story into dozens of calls.
// Schema: https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql
// Connection sizes are kept small: Linear prices a query by its nested connection sizes and
// refuses one that is too complex (https://linear.app/developers/rate-limiting).

/** What a child issue tells: enough to see the bot's marker, its state, assignee and edits. */
const childFields = /* GraphQL */ `
  fragment ChildFields on Issue {
    id
    identifier
    title
    url
    description
    state { name type }
    assignee { id }
    labels(first: 20) { nodes { name } }
    children(first: 1) { nodes { id } }
  }
`;

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

/** Labels with a given name: workspace labels and team labels of every team (picked per team). */
const labelsNamed = /* GraphQL */ `
  issueLabels(first: 50, filter: { name: { eqIgnoreCase: $labelName } }) {
    nodes { id name isGroup team { id } }
  }
`;

export const storyQuery = /* GraphQL */ `
  query Story($id: String!, $labelName: String!) {
    issue(id: $id) {
      id
      identifier
      title
      description
      url
      estimate
      state { name type }
      labels(first: 50) { nodes { name } }
      parent { id identifier title url }
      project { id name }
      team { ...TeamContextFields }
      children(first: 50) {
        nodes { ...ChildFields }
        pageInfo { hasNextPage endCursor }
      }
    }
    ${labelsNamed}
  }
  ${childFields}
  ${teamContextFields}
`;

export const storyChildrenQuery = /* GraphQL */ `
  query StoryChildren($id: String!, $after: String) {
    issue(id: $id) {
      children(first: 50, after: $after) {
        nodes { ...ChildFields }
        pageInfo { hasNextPage endCursor }
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

/** The teams of the user with an email, to tell whether a person may see a team's stories. */
export const userTeamsQuery = /* GraphQL */ `
  query UserTeams($email: String!) {
    users(filter: { email: { eqIgnoreCase: $email } }, first: 2) {
      nodes { id active teams(first: 250) { nodes { key } } }
    }
  }
`;
