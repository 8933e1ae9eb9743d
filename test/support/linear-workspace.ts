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
}

const TEAM = {
  id: "3b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
  key: "ENG",
  name: "Engineering",
  issueEstimationType: "tShirt",
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

export class LinearWorkspace {
  readonly issues = new Map<string, LinearIssue>();
  /** Issues deleted with issueDelete: in the trash, no longer found by id. */
  readonly trashed = new Map<string, LinearIssue>();
  readonly relations = new Map<string, LinearRelation>();
  /** How many relations issueRelationCreate ever made (one made twice counts twice). */
  relationsMade = 0;
  /** Operation names of every request, in order. */
  readonly operations: string[] = [];
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
        let reply: [number, unknown];
        try {
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
    };
    // A label an issue carries exists in the workspace, so it can be looked up and removed.
    for (const name of issue.labels) this.labelId(name);
    this.issues.set(issue.id, issue);
    return issue;
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

  private answer(operation: string, v: Record<string, any>): unknown {
    switch (operation) {
      case "Story": {
        const issue = this.find(v.id);
        const parent = issue.parentId ? this.find(issue.parentId) : null;
        const children = [...this.issues.values()].filter((c) => c.parentId === issue.id);
        return {
          issue: {
            id: issue.id,
            identifier: issue.identifier,
            title: issue.title,
            description: issue.description,
            url: this.url(issue),
            estimate: null,
            state: { name: STATE_NAMES[issue.stateType], type: issue.stateType },
            labels: { nodes: [...issue.labels].map((name) => ({ name })) },
            parent: parent ? { id: parent.id, identifier: parent.identifier, title: parent.title, url: this.url(parent) } : null,
            project: null,
            team: TEAM,
            children: { nodes: children.map((c) => this.child(c)), pageInfo: { hasNextPage: false, endCursor: null } },
          },
          issueLabels: { nodes: this.labelNodes(v.labelName) },
        };
      }
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
      case "CreateIssueRelation": {
        const input = v.input as { id?: string; issueId: string; relatedIssueId: string; type: string };
        if (input.id && this.relations.has(input.id)) {
          // Linear's refusal of an id that exists, as for issues (error-id-exists.json); the
          // adapter relies only on it being a refusal, not on its wording.
          const refusal = fixture("linear/error-id-exists.json");
          refusal.errors[0].path = ["issueRelationCreate"];
          refusal.errors[0].extensions.userPresentableMessage = "An issue relation with this id already exists.";
          throw new Refusal(400, refusal);
        }
        const relation = { id: input.id ?? randomUUID(), type: input.type, issueId: this.find(input.issueId).id, relatedIssueId: this.find(input.relatedIssueId).id };
        this.relations.set(relation.id, relation);
        this.relationsMade += 1;
        return { issueRelationCreate: { success: true, issueRelation: { id: relation.id, type: relation.type } } };
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
      parentId: input.parentId ?? null,
      labels: ((input.labelIds ?? []) as string[]).map((id) => this.labelName(id)),
    });
    return this.summary(issue);
  }
}

/** An answer Linear gives instead of data: its HTTP status and body (see test/fixtures/linear/error-*.json). */
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
