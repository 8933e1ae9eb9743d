// Every GraphQL document the Linear agent sends, with the token of the app installation (never
// the API key). A test validates each against Linear's schema as the installed @linear/sdk
// types it (test/unit/linear-agent/documents.test.ts).
// https://linear.app/developers/agent-interaction

/** One activity in a session: thought, action, elicitation, response or error. */
export const agentActivityCreateMutation = /* GraphQL */ `
  mutation AgentActivityCreate($input: AgentActivityCreateInput!) {
    agentActivityCreate(input: $input) { success agentActivity { id } }
  }
`;

/** The session's plan (replaced whole) and its external links. */
export const agentSessionUpdateMutation = /* GraphQL */ `
  mutation AgentSessionUpdate($id: String!, $input: AgentSessionUpdateInput!) {
    agentSessionUpdate(id: $id, input: $input) { success }
  }
`;

/** A session the bot opens itself on an issue (a run started by a label). */
export const agentSessionCreateOnIssueMutation = /* GraphQL */ `
  mutation AgentSessionCreateOnIssue($input: AgentSessionCreateOnIssue!) {
    agentSessionCreateOnIssue(input: $input) { success agentSession { id } }
  }
`;

/** Who the app is in the workspace that just installed it (actor=app: the viewer is the app user). */
export const appViewerQuery = /* GraphQL */ `
  query AppViewer {
    viewer { id organization { id name } }
  }
`;

export const agentDocuments = [agentActivityCreateMutation, agentSessionUpdateMutation, agentSessionCreateOnIssueMutation, appViewerQuery] as const;
