// A small Linear workspace behind nock: GraphQL operations of the Linear adapter answered from
// an in-memory model, with response bodies shaped like Linear's (see test/fixtures/linear).
// Issue relations are kept as Linear's schema describes them (`issue` relates to `relatedIssue`
// by `type`); a deleted issue goes to the trash with its relations, as nothing in the schema
// says they go, so whoever deletes must remove them.
// End-to-end tests use it to let a whole run read stories, create sub-issues, comment and
// change labels, then assert on the workspace afterwards; the tracker contract
// (test/contract/) runs the Linear adapter against it.
import { randomUUID } from "node:crypto";
import nock from "nock";
import { fixture } from "../unit/trackers/support/fixtures.ts";

export interface LinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string;
  stateType: "backlog" | "unstarted" | "started" | "completed" | "canceled";
  parentId: string | null;
  labels: Set<string>;
  assigneeId: string | null;
  comments: string[];
  estimate: number | null;
  projectId: string | null;
}

/** A project: its issues are those with its projectId; every project here is in the one team. */
export interface LinearProject {
  readonly id: string;
  readonly slugId: string;
  name: string;
  /** The short description. */
  description: string;
  /** The project's document, markdown. */
  content: string | null;
  statusType: "backlog" | "planned" | "started" | "paused" | "completed" | "canceled";
  /** Projects of one initiative see each other as siblings; without one, the team's projects. */
  initiative: string | null;
}

const TEAM = {
  id: "3b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
  key: "ENG",
  name: "Engineering",
  issueEstimationType: "tShirt",
  issueEstimationExtended: false,
  issueEstimationAllowZero: false,
  defaultIssueState: { id: "5d2a1c3b-0e4f-4a5b-9c6d-7e8f9a0b1c2d", type: "backlog" },
  states: {
    nodes: [
      { id: "5d2a1c3b-0e4f-4a5b-9c6d-7e8f9a0b1c2d", type: "backlog", position: 0 },
      { id: "a0e1f2d3-c4b5-4a69-8788-9a0b1c2d3e4f", type: "unstarted", position: 1 },
    ],
  },
};

const STATE_NAMES: Record<LinearIssue["stateType"], string> = {
  backlog: "Backlog",
  unstarted: "Todo",
  started: "In Progress",
  completed: "Done",
  canceled: "Canceled",
};

export interface LinearRelation {
  readonly id: string;
  readonly type: string;
  /** The source: for "blocks", the blocker. */
  readonly issueId: string;
  readonly relatedIssueId: string;
}

/** One request of Linear's agent API, with the Authorization header it was sent with. */
export interface AgentCall {
  readonly operation: string;
  readonly authorization: string | null;
  readonly variables: Record<string, any>;
}

/** The workspace and app user the bot is installed as (AppViewer). */
export const AGENT_APP = { appUserId: "7e1c9a52-3b4d-4f6e-8a9b-0c1d2e3f4a5b", organizationId: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e", organizationName: "Acme" };

const AGENT_OPERATIONS = new Set(["AgentActivityCreate", "AgentSessionUpdate", "AgentSessionCreateOnIssue", "AppViewer"]);

export class LinearWorkspace {
  /** Requests of the agent API (activities, session updates, sessions, viewer), in order. */
  readonly agentCalls: AgentCall[] = [];
  private readonly activityIds = new Set<string>();
  readonly issues = new Map<string, LinearIssue>();
  /** Issues deleted with issueDelete: in the trash, no longer found by id. */
  readonly trashed = new Map<string, LinearIssue>();
  readonly relations = new Map<string, LinearRelation>();
  readonly projects = new Map<string, LinearProject>();
  /** How many relations issueRelationCreate ever made (one made twice counts twice). */
  relationsMade = 0;
  /** Operation names of every request, in order. */
  readonly operations: string[] = [];
  /** Every request's operation and variables, in order (what a test asserts request bodies with). */
  readonly sent: { readonly operation: string; readonly variables: Record<string, any> }[] = [];
  readonly labelIds = new Map<string, string>();
  /** Users by email, with the keys of the teams they are members of. */
  readonly members = new Map<string, string[]>();
  /** Operations the workspace has no answer for (the adapter sent something it does not model). */
  readonly unanswered: string[] = [];
  private next = 500;
  private readonly scope: nock.Scope;
  private dead: { readonly authorization: string; readonly after: string; dead: boolean } | null = null;

  constructor(origin = "https://api.linear.app") {
    this.scope = nock(origin)
      .persist()
      .post("/graphql")
      // nock 15 hands the reply function the intercepted fetch Request.
      .reply((async (request: Request) => {
        const { query, variables } = (await request.clone().json()) as { query: string; variables: Record<string, any> };
        const operation = /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "?";
        const dead = this.dead !== null && request.headers.get("authorization") === this.dead.authorization;
        if (dead && this.dead!.dead) return never();
        this.operations.push(operation);
        this.sent.push({ operation, variables: variables ?? {} });
        let reply: [number, unknown];
        try {
          if (AGENT_OPERATIONS.has(operation)) this.agentCalls.push({ operation, authorization: request.headers.get("authorization"), variables });
          reply = [200, { data: this.answer(operation, variables) }];
        } catch (error) {
          if (error instanceof Refusal) reply = [error.status, error.body];
          else reply = [200, { errors: [{ message: (error as Error).message, extensions: { type: "invalid input", code: "INPUT_ERROR" } }] }];
        }
        if (dead && operation === this.dead!.after) {
          // The change is made, but the process that asked never hears of it.
          this.dead!.dead = true;
          return never();
        }
        return reply;
      }) as never);
  }

  stop(): void {
    this.scope.persist(false);
    nock.cleanAll();
  }

  /**
   * Plays a bot process killed at one point: the first `operation` sent with this Authorization
   * header (an API key) takes effect, and from then on nothing sent with that key is answered.
   * Another process on another key goes on being answered.
   */
  dieAfter(operation: string, authorization: string): void {
    this.dead = { authorization, after: operation, dead: false };
  }

  /** Whether the process played by dieAfter has died. */
  get died(): boolean {
    return this.dead?.dead ?? false;
  }

  addIssue(identifier: string, init: Partial<Omit<LinearIssue, "identifier" | "labels">> & { labels?: string[] } = {}): LinearIssue {
    const issue: LinearIssue = {
      id: init.id ?? randomUUID(),
      identifier,
      title: init.title ?? `Story ${identifier}`,
      description: init.description ?? `As a user I want ${identifier}.`,
      stateType: init.stateType ?? "unstarted",
      parentId: init.parentId ?? null,
      labels: new Set(init.labels ?? []),
      assigneeId: init.assigneeId ?? null,
      comments: [],
      estimate: init.estimate ?? null,
      projectId: init.projectId ?? null,
    };
    // A label an issue carries exists in the workspace, so it can be looked up and removed.
    for (const name of issue.labels) this.labelId(name);
    this.issues.set(issue.id, issue);
    return issue;
  }

  addProject(name: string, init: Partial<Omit<LinearProject, "name">> = {}): LinearProject {
    const project: LinearProject = {
      id: init.id ?? randomUUID(),
      slugId: init.slugId ?? randomUUID().replace(/-/g, "").slice(0, 12),
      name,
      description: init.description ?? "",
      content: init.content ?? null,
      statusType: init.statusType ?? "started",
      initiative: init.initiative ?? null,
    };
    this.projects.set(project.id, project);
    return project;
  }

  /** Issues of a project, in the order they were made. */
  issuesOf(project: LinearProject): LinearIssue[] {
    return [...this.issues.values()].filter((issue) => issue.projectId === project.id);
  }

  byKey(identifier: string): LinearIssue {
    const issue = [...this.issues.values()].find((candidate) => candidate.identifier === identifier);
    if (!issue) throw new Error(`no issue ${identifier}`);
    return issue;
  }

  childrenOf(identifier: string): LinearIssue[] {
    const parent = this.byKey(identifier);
    return [...this.issues.values()].filter((issue) => issue.parentId === parent.id);
  }

  /** The activities sent to a session (agentActivityCreate inputs that Linear kept), in order. */
  activitiesOf(sessionId: string): Record<string, any>[] {
    const seen = new Set<string>();
    return this.agentCalls
      .filter((call) => call.operation === "AgentActivityCreate" && call.variables.input.agentSessionId === sessionId)
      .map((call) => call.variables.input)
      .filter((input) => !seen.has(input.id) && seen.add(input.id));
  }

  /** The plans a session was given (agentSessionUpdate inputs with a plan), in order. */
  plansOf(sessionId: string): { content: string; status: string }[][] {
    return this.agentCalls
      .filter((call) => call.operation === "AgentSessionUpdate" && call.variables.id === sessionId && call.variables.input.plan)
      .map((call) => call.variables.input.plan);
  }

  count(operation: string): number {
    return this.operations.filter((name) => name === operation).length;
  }

  /** Identifier of an issue, trashed or not. */
  identifierOf(id: string): string {
    return (this.issues.get(id) ?? this.trashed.get(id))?.identifier ?? id;
  }

  private find(id: string): LinearIssue {
    const issue = this.issues.get(id) ?? [...this.issues.values()].find((candidate) => candidate.identifier === id);
    if (!issue) throw new Error("Entity not found: Issue");
    return issue;
  }

  private findProject(idOrSlug: string): LinearProject {
    const project = this.projects.get(idOrSlug) ?? [...this.projects.values()].find((candidate) => candidate.slugId === idOrSlug);
    if (!project) throw new Error("Entity not found: Project");
    return project;
  }

  private projectUrl(project: LinearProject): string {
    return `https://linear.app/acme/project/${project.name.toLowerCase().replace(/\W+/g, "-")}-${project.slugId}`;
  }

  /** Projects whose status is not completed or canceled (the filter the adapter sends). */
  private openProjectsNode(projects: readonly LinearProject[], first: number) {
    const open = projects.filter((project) => project.statusType !== "completed" && project.statusType !== "canceled");
    return { nodes: open.slice(0, first).map((project) => ({ id: project.id, slugId: project.slugId, name: project.name })) };
  }

  /** What the Story and EpicIssue queries both read of the issue itself. */
  private issueFields(issue: LinearIssue) {
    return {
      id: issue.id,
      identifier: issue.identifier,
      title: issue.title,
      description: issue.description,
      url: this.url(issue),
      state: { name: STATE_NAMES[issue.stateType], type: issue.stateType },
      labels: { nodes: [...issue.labels].map((name) => ({ name })) },
    };
  }

  private childrenPage(issue: LinearIssue, first: number, after: string | null | undefined) {
    const { nodes, pageInfo } = page([...this.issues.values()].filter((c) => c.parentId === issue.id), first, after);
    return { nodes: nodes.map((c) => this.child(c)), pageInfo };
  }

  private projectIssuesPage(project: LinearProject, first: number, after: string | null | undefined) {
    const { nodes, pageInfo } = page(this.issuesOf(project).filter((issue) => issue.parentId === null), first, after);
    return { nodes: nodes.map((issue) => this.child(issue)), pageInfo };
  }

  /** As the adapter's TeamEpics filter reads: labelled Epic, or with sub-issues that have their own. */
  private isEpicLike(issue: LinearIssue): boolean {
    const children = [...this.issues.values()].filter((c) => c.parentId === issue.id);
    return (
      [...issue.labels].some((label) => label.toLowerCase() === "epic") ||
      children.some((c) => [...this.issues.values()].some((g) => g.parentId === c.id))
    );
  }

  private url(issue: LinearIssue): string {
    return `https://linear.app/acme/issue/${issue.identifier}`;
  }

  private labelNodes(name: string) {
    const id = this.labelIds.get(name.toLowerCase());
    return id ? [{ id, name, isGroup: false, team: { id: TEAM.id } }] : [];
  }

  private labelId(name: string): string {
    let id = this.labelIds.get(name.toLowerCase());
    if (!id) {
      id = randomUUID();
      this.labelIds.set(name.toLowerCase(), id);
    }
    return id;
  }

  private labelName(id: string): string {
    for (const [name, labelId] of this.labelIds) if (labelId === id) return name;
    throw new Error("Entity not found: IssueLabel");
  }

  private child(issue: LinearIssue) {
    return {
      id: issue.id,
      identifier: issue.identifier,
      title: issue.title,
      url: this.url(issue),
      description: issue.description,
      state: { name: STATE_NAMES[issue.stateType], type: issue.stateType },
      assignee: issue.assigneeId ? { id: issue.assigneeId } : null,
      labels: { nodes: [...issue.labels].map((name) => ({ name })) },
      children: { nodes: [...this.issues.values()].filter((c) => c.parentId === issue.id).slice(0, 1).map((c) => ({ id: c.id })) },
    };
  }

  /** An issue as the Story and Stories queries read it, with its first `children` sub-issues. */
  private storyNode(issue: LinearIssue, children: number) {
    const parent = issue.parentId ? this.find(issue.parentId) : null;
    const all = [...this.issues.values()].filter((c) => c.parentId === issue.id);
    return {
      ...this.issueFields(issue),
      estimate: issue.estimate,
      parent: parent ? { id: parent.id, identifier: parent.identifier, title: parent.title, url: this.url(parent) } : null,
      project: null,
      team: TEAM,
      children: { nodes: all.slice(0, children).map((c) => this.child(c)), pageInfo: { hasNextPage: all.length > children, endCursor: all.length > children ? "more" : null } },
    };
  }

  /** issueRelationCreate, answered at `path`; refuses an id that exists, as Linear does. */
  private createRelation(input: RelationInput, path: string): unknown {
    if (input.id && this.relations.has(input.id)) {
      // Linear's refusal of an id that exists, as for issues (error-id-exists.json); the
      // adapter relies only on it being a refusal, not on its wording.
      const refusal = fixture("linear/error-id-exists.json");
      refusal.errors[0].path = [path];
      refusal.errors[0].extensions.userPresentableMessage = "An issue relation with this id already exists.";
      throw new Refusal(400, refusal);
    }
    const relation = { id: input.id ?? randomUUID(), type: input.type, issueId: this.find(input.issueId).id, relatedIssueId: this.find(input.relatedIssueId).id };
    this.relations.set(relation.id, relation);
    this.relationsMade += 1;
    return { success: true, issueRelation: { id: relation.id, type: relation.type } };
  }

  private answer(operation: string, v: Record<string, any>): unknown {
    switch (operation) {
      case "Story":
        return { issue: this.storyNode(this.find(v.id), Number.POSITIVE_INFINITY), issueLabels: { nodes: this.labelNodes(v.labelName) } };
      case "Stories":
        // Linear's `id: { in }` filter: the issues that exist, at most `first`.
        return { issues: { nodes: (v.ids as string[]).filter((id) => this.issues.has(id)).slice(0, v.first).map((id) => this.storyNode(this.issues.get(id)!, 10)) } };
      case "ExpandIssue": {
        const issue = this.find(v.id);
        const { nodes, pageInfo } = page([...this.issues.values()].filter((c) => c.parentId === issue.id), v.first, v.after);
        return {
          issue: {
            id: issue.id,
            identifier: issue.identifier,
            title: issue.title,
            url: this.url(issue),
            labels: { nodes: [...issue.labels].map((name) => ({ name })) },
            children: {
              nodes: nodes.map((c) => ({
                id: c.id,
                identifier: c.identifier,
                title: c.title,
                url: this.url(c),
                children: { nodes: [...this.issues.values()].filter((g) => g.parentId === c.id).slice(0, 1).map((g) => ({ id: g.id })) },
              })),
              pageInfo,
            },
          },
        };
      }
      case "StoryChildren":
        return { issue: { children: this.childrenPage(this.find(v.id), 50, v.after) } };
      case "EpicIssue": {
        const issue = this.find(v.id);
        return {
          issue: {
            ...this.issueFields(issue),
            team: TEAM,
            children: this.childrenPage(issue, 50, null),
          },
          issueLabels: { nodes: this.labelNodes(v.labelName) },
        };
      }
      case "TeamEpics": {
        if (v.teamId !== TEAM.id) return { issues: { nodes: [] } };
        const epics = [...this.issues.values()].filter(
          (issue) => issue.stateType !== "completed" && issue.stateType !== "canceled" && this.isEpicLike(issue),
        );
        return { issues: { nodes: epics.slice(0, v.first).map((issue) => ({ id: issue.id, identifier: issue.identifier, title: issue.title })) } };
      }
      case "EpicProject": {
        const project = this.findProject(v.id);
        const all = [...this.projects.values()];
        const initiative = project.initiative === null ? [] : [all.filter((other) => other.initiative === project.initiative)];
        return {
          project: {
            id: project.id,
            slugId: project.slugId,
            name: project.name,
            description: project.description,
            content: project.content,
            url: this.projectUrl(project),
            status: { type: project.statusType },
            teams: { nodes: [{ ...TEAM, projects: this.openProjectsNode(all, v.siblings) }] },
            initiatives: { nodes: initiative.map((members) => ({ projects: this.openProjectsNode(members, v.siblings) })) },
            issues: this.projectIssuesPage(project, 50, null),
          },
          issueLabels: { nodes: this.labelNodes(v.labelName) },
        };
      }
      case "ProjectStories":
        return { project: { issues: this.projectIssuesPage(this.findProject(v.id), 50, v.after) } };
      case "TeamContext":
        return { team: TEAM, issueLabels: { nodes: this.labelNodes(v.labelName) } };
      case "Teams":
        return { teams: { nodes: [{ key: TEAM.key, name: TEAM.name }] } };
      case "UserTeams": {
        const email = String(v.email).toLowerCase();
        const nodes = [...this.members].filter(([known]) => known.toLowerCase() === email);
        return {
          users: { nodes: nodes.map(([known, teams]) => ({ id: `user-${known}`, active: true, teams: { nodes: teams.map((key) => ({ key })) } })) },
        };
      }
      case "LabelLookup": {
        const issue = this.find(v.issueId);
        return { issue: { id: issue.id, team: { id: TEAM.id } }, issueLabels: { nodes: this.labelNodes(v.labelName) } };
      }
      case "CreateLabel": {
        const id = this.labelId(v.input.name);
        return { issueLabelCreate: { success: true, issueLabel: { id, name: v.input.name, isGroup: false, team: { id: TEAM.id } } } };
      }
      case "CreateIssues": {
        // One transaction: an id that exists already refuses the whole batch, and nothing is made.
        const inputs = v.input.issues as any[];
        if (inputs.some((input) => input.id && this.issues.has(input.id))) throw new Refusal(400, fixture("linear/error-id-exists.json"));
        return { issueBatchCreate: { success: true, issues: inputs.map((input) => this.create(input)) } };
      }
      case "CreateIssue":
        return { issueCreate: { success: true, issue: this.create(v.input) } };
      case "IssuesById":
        return { issues: { nodes: (v.ids as string[]).filter((id) => this.issues.has(id)).map((id) => this.summary(this.issues.get(id)!)) } };
      case "DeleteIssue": {
        const issue = this.find(v.id);
        this.issues.delete(issue.id);
        this.trashed.set(issue.id, issue);
        return { issueDelete: { success: true } };
      }
      case "CreateIssueRelation":
        return { issueRelationCreate: this.createRelation(v.input, "issueRelationCreate") };
      case "LinkBlocks": {
        // One aliased issueRelationCreate per link, run in order; a refused one leaves its alias
        // null and an error with its path, and the others are made (GraphQL's partial answer).
        const data: Record<string, unknown> = {};
        const errors: unknown[] = [];
        for (const [alias, input] of Object.entries(v)) {
          try {
            data[alias] = this.createRelation(input, alias);
          } catch (error) {
            if (!(error instanceof Refusal)) throw error;
            data[alias] = null;
            errors.push(...(error.body as { errors: unknown[] }).errors);
          }
        }
        if (errors.length > 0) throw new Refusal(200, { data, errors });
        return data;
      }
      case "IssueRelation": {
        const relation = this.relations.get(v.id);
        if (!relation) throw new Error("Entity not found: IssueRelation");
        return { issueRelation: { id: relation.id, type: relation.type, issue: { id: relation.issueId }, relatedIssue: { id: relation.relatedIssueId } } };
      }
      case "IssueRelations": {
        const all = [...this.relations.values()];
        const nodes = (v.ids as string[]).flatMap((id) => {
          const issue = this.issues.get(id);
          if (!issue) return [];
          return [{
            id,
            relations: { nodes: all.filter((relation) => relation.issueId === id).slice(0, 50).map((relation) => ({ id: relation.id })) },
            inverseRelations: { nodes: all.filter((relation) => relation.relatedIssueId === id).slice(0, 50).map((relation) => ({ id: relation.id })) },
          }];
        });
        return { issues: { nodes } };
      }
      case "DeleteIssueRelation":
        if (!this.relations.delete(v.id)) throw new Error("Entity not found: IssueRelation");
        return { issueRelationDelete: { success: true } };
      case "CreateComment":
        this.find(v.input.issueId).comments.push(v.input.body);
        return { commentCreate: { success: true, comment: { id: randomUUID() } } };
      case "AddLabel":
        this.find(v.id).labels.add(this.labelName(v.labelId));
        return { issueAddLabel: { success: true } };
      case "RemoveLabel":
        this.find(v.id).labels.delete(this.labelName(v.labelId));
        return { issueRemoveLabel: { success: true } };
      case "AgentActivityCreate": {
        const input = v.input as { id?: string };
        if (input.id && this.activityIds.has(input.id)) {
          const refusal = fixture("linear/error-id-exists.json");
          refusal.errors[0].path = ["agentActivityCreate"];
          refusal.errors[0].extensions.userPresentableMessage = "An agent activity with this id already exists.";
          throw new Refusal(400, refusal);
        }
        const id = input.id ?? randomUUID();
        this.activityIds.add(id);
        return { agentActivityCreate: { success: true, agentActivity: { id } } };
      }
      case "AgentSessionUpdate":
        return { agentSessionUpdate: { success: true } };
      case "AgentSessionCreateOnIssue":
        this.find(v.input.issueId);
        return { agentSessionCreateOnIssue: { success: true, agentSession: { id: `session-${this.next++}` } } };
      case "AppViewer":
        return { viewer: { id: AGENT_APP.appUserId, organization: { id: AGENT_APP.organizationId, name: AGENT_APP.organizationName } } };
      default:
        this.unanswered.push(operation);
        throw new Error(`the workspace does not answer ${operation}`);
    }
  }

  private summary(issue: LinearIssue) {
    return { id: issue.id, identifier: issue.identifier, title: issue.title, url: this.url(issue) };
  }

  private create(input: any) {
    if (input.id && this.issues.has(input.id)) {
      const refusal = fixture("linear/error-id-exists.json");
      refusal.errors[0].path = ["issueCreate"];
      throw new Refusal(400, refusal);
    }
    const issue = this.addIssue(`ENG-${this.next++}`, {
      ...(input.id ? { id: input.id } : {}),
      title: input.title,
      description: input.description ?? "",
      stateType: "backlog",
      // Linear refuses a parent it does not know, as it does any missing entity.
      parentId: input.parentId ? this.find(input.parentId).id : null,
      labels: ((input.labelIds ?? []) as string[]).map((id) => this.labelName(id)),
      estimate: input.estimate ?? null,
      projectId: input.projectId === undefined ? null : this.findProject(input.projectId).id,
    });
    return this.summary(issue);
  }
}

/** An answer Linear gives instead of data: its HTTP status and body (see test/fixtures/linear/error-*.json). */
type RelationInput = { id?: string; issueId: string; relatedIssueId: string; type: string };

class Refusal extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super("refused");
    this.status = status;
    this.body = body;
  }
}

/** An answer that never comes: the asking process has died. */
function never(): Promise<never> {
  return new Promise(() => undefined);
}

/** Relay pagination over `first`/`after`; the cursor is the last node's id. */
function page<T extends { id: string }>(all: readonly T[], first: number | undefined, after: string | null | undefined) {
  const start = after ? all.findIndex((node) => node.id === after) + 1 : 0;
  const nodes = all.slice(start, first === undefined ? undefined : start + first);
  const hasNextPage = start + nodes.length < all.length;
  return { nodes, pageInfo: { hasNextPage, endCursor: nodes.at(-1)?.id ?? null } };
}
