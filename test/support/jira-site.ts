// A small Jira Cloud site behind nock: the REST v3 endpoints the Jira adapter calls, answered from
// an in-memory model (issues with their type, status, parent, labels, assignee, comments and
// links, and the custom fields of a Story screen with "Acceptance Criteria" and "Story Points"),
// with bodies shaped like Jira's (see test/fixtures/jira). The same scenario gets its
// answers from the state, so a test can read a story, create its sub-tasks, let a person change
// one and read again.
// Links are kept as created (POST /issueLink's inwardIssue and outwardIssue) and shown on each
// issue as the issue-linking model describes: the other end under `inwardIssue` when this issue
// reads "<type.inward> <other>", under `outwardIssue` when it reads "<type.outward> <other>".
// https://developer.atlassian.com/cloud/jira/platform/issue-linking-model/
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/

import { playApi, type ApiPlayer, type RecordedRequest, type Reply } from "../unit/trackers/support/api-player.ts";
import { fixture } from "../unit/trackers/support/fixtures.ts";
import { JIRA_BASE_URL } from "../unit/trackers/support/jira-api.ts";

export type JiraIssueType = "Epic" | "Story" | "Sub-task";
export type JiraStatus = "To Do" | "In Progress" | "Done";

export interface JiraSiteIssue {
  readonly id: string;
  readonly key: string;
  readonly type: JiraIssueType;
  summary: string;
  /** Atlassian Document Format, as Jira keeps it. */
  description: AdfDoc | null;
  status: JiraStatus;
  parentKey: string | null;
  labels: string[];
  assigneeAccountId: string | null;
  /** ADF bodies, in order. */
  readonly comments: unknown[];
  /** Custom field values by id (customfield_10050…), as the create set them. */
  readonly custom: Record<string, unknown>;
}

export interface AdfDoc {
  readonly type: "doc";
  readonly version: 1;
  readonly content: unknown[];
}

const PROJECT = { id: "10000", key: "PROJ", name: "Payments" };

const ISSUE_TYPES: Record<JiraIssueType, { id: string; name: string; subtask: boolean; hierarchyLevel: number }> = {
  Epic: { id: "10000", name: "Epic", subtask: false, hierarchyLevel: 1 },
  Story: { id: "10001", name: "Story", subtask: false, hierarchyLevel: 0 },
  "Sub-task": { id: "10003", name: "Sub-task", subtask: true, hierarchyLevel: -1 },
};

const STATUSES: Record<JiraStatus, { id: string; category: string; categoryName: string }> = {
  "To Do": { id: "10000", category: "new", categoryName: "To Do" },
  "In Progress": { id: "3", category: "indeterminate", categoryName: "In Progress" },
  Done: { id: "10001", category: "done", categoryName: "Done" },
};

/** The Story screen's custom fields, when the site has them (createmeta-PROJ-10001-fields-story-fields.json). */
const STORY_FIELD_NAMES = { customfield_10016: "Story Points", customfield_10050: "Acceptance Criteria" };

/** What `expand=names` tells: field id → display name (without the Story screen's custom fields). */
const FIELD_NAMES = {
  summary: "Summary",
  description: "Description",
  labels: "Labels",
  status: "Status",
  issuetype: "Issue Type",
  project: "Project",
  parent: "Parent",
  subtasks: "Sub-tasks",
  assignee: "Assignee",
};

export interface JiraSiteLink {
  readonly id: string;
  readonly typeId: string;
  /** POST /issueLink's inwardIssue: for "Blocks", the issue that blocks. */
  readonly inwardId: string;
  readonly outwardId: string;
}

interface LinkedIssueBrief {
  readonly id: string;
  readonly key: string;
}

/** One entry of an issue's `issuelinks` field. */
interface IssueLinkEntry {
  readonly id: string;
  readonly type: { readonly id: string; readonly name: string };
  readonly inwardIssue?: LinkedIssueBrief;
  readonly outwardIssue?: LinkedIssueBrief;
}

export interface JiraSiteOptions {
  /** The site's link types; default: Jira Cloud's own (test/fixtures/jira/issue-link-types.json). */
  readonly linkTypes?: readonly { id: string; name: string; inward: string; outward: string }[];
  /** The Story create screen has an "Acceptance Criteria" (multi-line text) and a "Story Points" (number) field. */
  readonly storyFields?: boolean;
}

const SUMMARY_MAX = 255;
const ISSUE_PATH = /^\/rest\/api\/3\/issue\/([^/]+)$/;
const COMMENT_PATH = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/;

/** Plain text as ADF: one paragraph per blank-line-separated block. */
export function adfParagraphs(text: string): AdfDoc {
  const blocks = text.split(/\n\s*\n/).filter((block) => block.trim() !== "");
  return {
    type: "doc",
    version: 1,
    content: blocks.map((block) => ({ type: "paragraph", content: [{ type: "text", text: block }] })),
  };
}

/** A person with a Jira account: whether the site's permission scheme lets them browse PROJ. */
export interface JiraSiteUser {
  readonly accountId: string;
  readonly email: string;
  /** Shown by the API only when the profile's visibility allows. */
  readonly emailVisible: boolean;
  readonly browses: boolean;
}

export class JiraSite {
  readonly issues = new Map<string, JiraSiteIssue>();
  /** Accounts user/search and user/permission/search know. */
  readonly users: JiraSiteUser[] = [];
  readonly links: JiraSiteLink[] = [];
  /** How many links POST /issueLink ever made (one made twice counts twice). */
  linksMade = 0;
  readonly api: ApiPlayer;
  private readonly linkTypes: readonly { id: string; name: string; inward: string; outward: string }[];
  private readonly storyFields: boolean;
  private next = 1;
  private dead: { readonly authorization: string; readonly after: (request: RecordedRequest) => boolean; dead: boolean } | null = null;

  constructor(options: JiraSiteOptions = {}) {
    this.linkTypes = options.linkTypes ?? fixture("jira/issue-link-types.json").issueLinkTypes;
    this.storyFields = options.storyFields ?? false;
    this.api = playApi(JIRA_BASE_URL, { otherwise: (request) => this.answerUnlessDead(request) });
  }

  /**
   * Plays a bot process killed at one point: the first request sent with this Authorization
   * header that `after` picks takes effect, and from then on nothing sent with that header is
   * answered. Another process, with other credentials, goes on being answered.
   */
  dieAfter(after: (request: RecordedRequest) => boolean, authorization: string): void {
    this.dead = { authorization, after, dead: false };
  }

  /** Whether the process played by dieAfter has died. */
  get died(): boolean {
    return this.dead?.dead ?? false;
  }

  /** Every "Blocks" link as Jira's issue view reads it, "PROJ-4 blocks PROJ-5", sorted. */
  blocksLinks(): string[] {
    const blocks = this.linkTypes.find((type) => type.name === "Blocks");
    const read: string[] = [];
    // Read from the blocked issue's side, as its own issuelinks list shows it.
    for (const issue of this.issues.values()) {
      for (const entry of this.issueLinksOf(issue)) {
        if (entry.type.id === blocks?.id && entry.inwardIssue) read.push(`${entry.inwardIssue.key} blocks ${issue.key}`);
      }
    }
    return read.sort();
  }

  private answerUnlessDead(request: RecordedRequest): Reply | undefined {
    const dying = this.dead !== null && request.headers.get("authorization") === this.dead.authorization;
    if (dying && this.dead!.dead) return { hang: true };
    const reply = this.answer(request);
    if (dying && this.dead!.after(request)) {
      // The change is made, but the process that asked never hears of it.
      this.dead!.dead = true;
      return { hang: true };
    }
    return reply;
  }

  stop(): void {
    this.api.stop();
  }

  addIssue(init: {
    summary: string;
    description?: string | AdfDoc | null;
    type?: JiraIssueType;
    status?: JiraStatus;
    parentKey?: string | null;
    labels?: string[];
    assigneeAccountId?: string | null;
    custom?: Record<string, unknown>;
  }): JiraSiteIssue {
    const number = this.next++;
    const description = init.description ?? null;
    const issue: JiraSiteIssue = {
      id: String(10_000 + number),
      key: `${PROJECT.key}-${number}`,
      type: init.type ?? "Story",
      summary: init.summary,
      description: typeof description === "string" ? adfParagraphs(description) : description,
      status: init.status ?? "To Do",
      parentKey: init.parentKey ?? null,
      labels: [...(init.labels ?? [])],
      assigneeAccountId: init.assigneeAccountId ?? null,
      comments: [],
      custom: { ...(init.custom ?? {}) },
    };
    this.issues.set(issue.key, issue);
    return issue;
  }

  byKey(key: string): JiraSiteIssue {
    const issue = this.find(key);
    if (!issue) throw new Error(`no issue ${key}`);
    return issue;
  }

  childrenOf(key: string): JiraSiteIssue[] {
    return [...this.issues.values()].filter((issue) => issue.parentKey === key);
  }

  private find(idOrKey: string): JiraSiteIssue | undefined {
    return this.issues.get(idOrKey) ?? [...this.issues.values()].find((issue) => issue.id === idOrKey);
  }

  private answer(request: RecordedRequest): Reply | undefined {
    const { method, path } = request;
    const issuePath = ISSUE_PATH.exec(path);
    const commentPath = COMMENT_PATH.exec(path);
    if (method === "GET" && path === "/rest/api/3/issue/createmeta/PROJ/issuetypes") {
      return { body: fixture("jira/createmeta-PROJ-issuetypes.json") };
    }
    if (method === "GET" && path === "/rest/api/3/issue/createmeta/PROJ/issuetypes/10003") {
      return { body: fixture("jira/createmeta-PROJ-10003-fields.json") };
    }
    if (method === "GET" && path === "/rest/api/3/issue/createmeta/PROJ/issuetypes/10001") {
      return { body: fixture(this.storyFields ? "jira/createmeta-PROJ-10001-fields-story-fields.json" : "jira/createmeta-PROJ-10001-fields.json") };
    }
    if (method === "POST" && path === "/rest/api/3/issue/bulk") return this.bulkCreate(request.body);
    if (method === "GET" && path === "/rest/api/3/project/search") {
      // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
      const project = { self: `${JIRA_BASE_URL}/rest/api/3/project/${PROJECT.id}`, ...PROJECT, projectTypeKey: "software", simplified: false, style: "classic" };
      return { body: { self: `${JIRA_BASE_URL}/rest/api/3/project/search`, maxResults: 100, startAt: 0, total: 1, isLast: true, values: [project] } };
    }
    if (method === "GET" && path === "/rest/api/3/search/jql") return this.search(request.query);
    if (method === "GET" && path === "/rest/api/3/user/search") return this.userSearch(request.query);
    if (method === "GET" && path === "/rest/api/3/user/permission/search") return this.permissionSearch(request.query);
    if (method === "POST" && path === "/rest/api/3/search/approximate-count") return this.count(request.body);
    if (method === "POST" && commentPath?.[1]) return this.comment(commentPath[1], request.body);
    if (method === "GET" && path === "/rest/api/3/issueLinkType") return { body: { issueLinkTypes: this.linkTypes.map((type) => this.linkTypeBody(type)) } };
    if (method === "POST" && path === "/rest/api/3/issueLink") return this.link(request.body);
    if (issuePath?.[1] && issuePath[1] !== "bulk") {
      const issue = this.find(issuePath[1]);
      if (!issue) return { status: 404, body: fixture("jira/error-404.json") };
      if (method === "GET") return { body: this.issueBody(issue, request.query) };
      if (method === "PUT") return this.edit(issue, request.body);
      if (method === "DELETE") return this.delete(issue, request.query);
    }
    return undefined;
  }

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get
  private userBody(user: JiraSiteUser) {
    return {
      self: `${JIRA_BASE_URL}/rest/api/3/user?accountId=${user.accountId}`,
      accountId: user.accountId,
      accountType: "atlassian",
      ...(user.emailVisible ? { emailAddress: user.email } : {}),
      displayName: user.email.split("@")[0],
      active: true,
      timeZone: "Europe/Berlin",
      locale: "en_US",
    };
  }

  private userSearch(query: URLSearchParams): Reply {
    const text = (query.get("query") ?? "").toLowerCase();
    return { body: this.users.filter((user) => user.email.toLowerCase() === text).map((user) => this.userBody(user)) };
  }

  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-permission-search-get
  private permissionSearch(query: URLSearchParams): Reply {
    if (query.get("permissions") !== "BROWSE_PROJECTS") return { status: 400, body: { errorMessages: ["unexpected permissions"], errors: {} } };
    const issueKey = query.get("issueKey");
    if (issueKey && !this.find(issueKey)) return { status: 404, body: fixture("jira/error-404.json") };
    const holders = this.users.filter((user) => user.browses && user.accountId === query.get("accountId"));
    return { body: holders.map((user) => this.userBody(user)) };
  }

  private issueBody(issue: JiraSiteIssue, query: URLSearchParams) {
    return {
      id: issue.id,
      key: issue.key,
      self: `${JIRA_BASE_URL}/rest/api/3/issue/${issue.id}`,
      fields: this.fieldsOf(issue, query.get("fields")),
      ...(query.get("expand")?.split(",").includes("names") ? { names: this.fieldNames() } : {}),
    };
  }

  private fieldNames(): Record<string, string> {
    return this.storyFields ? { ...FIELD_NAMES, ...STORY_FIELD_NAMES } : FIELD_NAMES;
  }

  /** Jira answers only the fields asked for; `*navigable` and `*all` are every field here. */
  private fieldsOf(issue: JiraSiteIssue, requested: string | null): Record<string, unknown> {
    const parent = issue.parentKey ? this.find(issue.parentKey) : undefined;
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      labels: issue.labels,
      status: statusOf(issue.status),
      issuetype: ISSUE_TYPES[issue.type],
      project: PROJECT,
      ...(parent
        ? { parent: { id: parent.id, key: parent.key, fields: { summary: parent.summary, status: statusOf(parent.status) } } }
        : {}),
      subtasks: this.childrenOf(issue.key)
        .filter((child) => child.type === "Sub-task")
        .map((child) => ({ id: child.id, key: child.key, fields: { summary: child.summary, status: statusOf(child.status) } })),
      assignee: issue.assigneeAccountId ? { accountId: issue.assigneeAccountId } : null,
      issuelinks: this.issueLinksOf(issue),
      // A custom field the site has shows on every issue, null when not set.
      ...Object.fromEntries(Object.keys(this.storyFields ? STORY_FIELD_NAMES : {}).map((id) => [id, issue.custom[id] ?? null])),
    };
    const names = (requested ?? "*navigable").split(",");
    if (names.includes("*navigable") || names.includes("*all")) return all;
    return Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name)));
  }

  /** Only the JQL the adapter sends: `parent = KEY`, optionally ordered by creation. */
  private parentOf(jql: unknown): JiraSiteIssue | Reply {
    const match = typeof jql === "string" ? /^parent\s*=\s*(\S+?)(?:\s+ORDER BY created ASC)?$/i.exec(jql.trim()) : null;
    const parent = match?.[1] ? this.find(match[1]) : undefined;
    if (parent) return parent;
    return badJql(jql);
  }

  /**
   * The issues a JQL the adapter sends picks, in creation order: `parent = KEY`, or a project's
   * open issues of one type (`project = "PROJ" AND issuetype = 10000 AND statusCategory != Done`).
   */
  private select(jql: unknown): JiraSiteIssue[] | Reply {
    const ofType =
      typeof jql === "string"
        ? /^project\s*=\s*"?(\w+)"?\s+AND\s+issuetype\s*=\s*(\d+)\s+AND\s+statusCategory\s*!=\s*Done(?:\s+ORDER BY created ASC)?$/i.exec(jql.trim())
        : null;
    if (ofType) {
      if (ofType[1] !== PROJECT.key) return [];
      return [...this.issues.values()].filter((issue) => ISSUE_TYPES[issue.type].id === ofType[2] && STATUSES[issue.status].category !== "done");
    }
    const parent = this.parentOf(jql);
    return "key" in parent ? this.childrenOf(parent.key) : parent;
  }

  /** GET /rest/api/3/search/jql, paged by an opaque nextPageToken (here: the offset). */
  private search(query: URLSearchParams): Reply {
    const byIds = /^id in \(([\d,\s]+)\)$/i.exec(query.get("jql")?.trim() ?? "");
    if (byIds?.[1]) return this.searchByIds(byIds[1].split(",").map((id) => id.trim()), query);
    const selected = this.select(query.get("jql"));
    if (!Array.isArray(selected)) return selected;
    const start = Number(query.get("nextPageToken") ?? 0);
    const size = Number(query.get("maxResults") ?? 50);
    const page = selected.slice(start, start + size);
    const isLast = start + size >= selected.length;
    return {
      body: {
        issues: page.map((found) => ({
          id: found.id,
          key: found.key,
          self: `${JIRA_BASE_URL}/rest/api/3/issue/${found.id}`,
          fields: this.fieldsOf(found, query.get("fields")),
        })),
        ...(isLast ? {} : { nextPageToken: String(start + size) }),
        isLast,
      },
    };
  }

  /** `id in (…)`: the issues that exist, with their field names when asked (expand=names). */
  private searchByIds(ids: string[], query: URLSearchParams): Reply {
    const issues = ids.map((id) => [...this.issues.values()].find((issue) => issue.id === id)).filter((issue) => issue !== undefined);
    return {
      body: {
        issues: issues.map((issue) => ({ id: issue.id, key: issue.key, self: `${JIRA_BASE_URL}/rest/api/3/issue/${issue.id}`, fields: this.fieldsOf(issue, query.get("fields")) })),
        ...(query.get("expand")?.split(",").includes("names") ? { names: FIELD_NAMES } : {}),
        isLast: true,
      },
    };
  }

  private count(body: unknown): Reply {
    const parent = this.parentOf((body as { jql?: unknown } | undefined)?.jql);
    if (!("key" in parent)) return parent;
    return { body: { count: this.childrenOf(parent.key).length } };
  }

  /** POST /rest/api/3/issue/bulk: each element created or refused on its own. */
  private bulkCreate(body: unknown): Reply {
    const updates = (body as { issueUpdates?: { fields?: Record<string, any> }[] }).issueUpdates ?? [];
    const issues: unknown[] = [];
    const errors: unknown[] = [];
    updates.forEach((update, index) => {
      const fields = update.fields ?? {};
      const refused = this.refusedFields(fields);
      if (Object.keys(refused).length > 0) {
        errors.push({ status: 400, elementErrors: { errorMessages: [], errors: refused }, failedElementNumber: index });
        return;
      }
      const issue = this.addIssue({
        summary: fields.summary,
        description: fields.description ?? null,
        type: fields.issuetype.id === ISSUE_TYPES.Story.id ? "Story" : "Sub-task",
        parentKey: this.find(fields.parent.key)!.key,
        labels: fields.labels ?? [],
        custom: Object.fromEntries(Object.entries(fields).filter(([id]) => id.startsWith("customfield_"))),
      });
      issues.push({ id: issue.id, key: issue.key, self: `${JIRA_BASE_URL}/rest/api/3/issue/${issue.id}` });
    });
    // Jira answers 400 with the same body when every element failed.
    return { status: issues.length === 0 && errors.length > 0 ? 400 : 201, body: { issues, errors } };
  }

  private refusedFields(fields: Record<string, any>): Record<string, string> {
    const refused: Record<string, string> = {};
    if (fields.project?.key !== PROJECT.key) refused.project = "valid project is required";
    const type = fields.issuetype?.id === ISSUE_TYPES.Story.id ? "Story" : fields.issuetype?.id === ISSUE_TYPES["Sub-task"].id ? "Sub-task" : null;
    if (!type) refused.issuetype = "The issue type selected is invalid.";
    const parent = fields.parent?.key ? this.find(fields.parent.key) : undefined;
    if (!parent) refused.parent = "Could not find issue by id or key.";
    // A story's parent is an epic; a sub-task's is not.
    else if ((type === "Story") !== (parent.type === "Epic")) refused.parent = "Given parent work item does not belong to appropriate hierarchy.";
    for (const [id, value] of Object.entries(fields).filter(([name]) => name.startsWith("customfield_"))) {
      const known = this.storyFields && type === "Story" && id in STORY_FIELD_NAMES;
      if (!known) refused[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
      else if (id === "customfield_10016" && typeof value !== "number") refused[id] = "Number value expected.";
      else if (id === "customfield_10050" && (value as AdfDoc | null)?.type !== "doc") refused[id] = "Operation value must be an Atlassian Document (see the Atlassian Document Format).";
    }
    if (typeof fields.summary !== "string" || fields.summary.trim() === "") refused.summary = "You must specify a summary of the issue.";
    else if (fields.summary.length > SUMMARY_MAX) refused.summary = "Summary must be less than 255 characters.";
    const spaced = ((fields.labels ?? []) as string[]).find((label) => /\s/.test(label));
    if (spaced !== undefined) refused.labels = `The label '${spaced}' contains spaces which is invalid.`;
    return refused;
  }

  /** PUT /rest/api/3/issue/{key} with `update.labels`: Jira labels are a set without spaces. */
  private edit(issue: JiraSiteIssue, body: unknown): Reply {
    const operations = (body as { update?: { labels?: ({ add?: string; remove?: string })[] } }).update?.labels ?? [];
    for (const operation of operations) {
      const label = operation.add ?? operation.remove ?? "";
      if (/\s/.test(label)) {
        return { status: 400, body: { errorMessages: [], errors: { labels: `The label '${label}' contains spaces which is invalid.` } } };
      }
    }
    for (const operation of operations) {
      if (operation.add !== undefined && !issue.labels.includes(operation.add)) issue.labels.push(operation.add);
      if (operation.remove !== undefined) issue.labels = issue.labels.filter((label) => label !== operation.remove);
    }
    return { status: 204 };
  }

  private delete(issue: JiraSiteIssue, query: URLSearchParams): Reply {
    const children = this.childrenOf(issue.key);
    if (children.length > 0 && query.get("deleteSubtasks") !== "true") {
      return { status: 400, body: { errorMessages: ["The issue has subtasks; delete them first or set deleteSubtasks."], errors: {} } };
    }
    const gone = new Set([issue, ...children].map((deleted) => deleted.id));
    for (const child of children) this.issues.delete(child.key);
    this.issues.delete(issue.key);
    // An issue's links go with it.
    const kept = this.links.filter((link) => !gone.has(link.inwardId) && !gone.has(link.outwardId));
    this.links.splice(0, this.links.length, ...kept);
    return { status: 204 };
  }

  private linkTypeBody(type: { id: string; name: string; inward: string; outward: string }) {
    return { id: type.id, name: type.name, inward: type.inward, outward: type.outward, self: `${JIRA_BASE_URL}/rest/api/3/issueLinkType/${type.id}` };
  }

  /** The issue's links as GET /issue/{key}?fields=issuelinks shows them. */
  private issueLinksOf(issue: JiraSiteIssue): IssueLinkEntry[] {
    const brief = (other: JiraSiteIssue) => ({
      id: other.id,
      key: other.key,
      self: `${JIRA_BASE_URL}/rest/api/3/issue/${other.id}`,
      fields: { summary: other.summary, status: statusOf(other.status), issuetype: ISSUE_TYPES[other.type] },
    });
    return this.links.flatMap((link): IssueLinkEntry[] => {
      const type = this.linkTypes.find((candidate) => candidate.id === link.typeId);
      if (!type) return [];
      const base = { id: link.id, self: `${JIRA_BASE_URL}/rest/api/3/issueLink/${link.id}`, type: this.linkTypeBody(type) };
      const inward = this.find(link.inwardId);
      const outward = this.find(link.outwardId);
      if (!inward || !outward) return [];
      // This issue reads "<type.inward> <inward end>" from the outward end, and the other way round.
      if (link.outwardId === issue.id) return [{ ...base, inwardIssue: brief(inward) }];
      if (link.inwardId === issue.id) return [{ ...base, outwardIssue: brief(outward) }];
      return [];
    });
  }

  /** POST /rest/api/3/issueLink: 201 with no body; a link that exists already is not made again. */
  private link(body: unknown): Reply {
    const request = body as { type?: { id?: string; name?: string }; inwardIssue?: { id?: string; key?: string }; outwardIssue?: { id?: string; key?: string } };
    const type = this.linkTypes.find((candidate) => candidate.id === request.type?.id || candidate.name === request.type?.name);
    if (!type) return { status: 404, body: { errorMessages: ["No issue link type with name or id given was found."], errors: {} } };
    const inward = this.find(request.inwardIssue?.key ?? request.inwardIssue?.id ?? "");
    const outward = this.find(request.outwardIssue?.key ?? request.outwardIssue?.id ?? "");
    if (!inward || !outward) return { status: 404, body: fixture("jira/error-404.json") };
    const exists = this.links.some((link) => link.typeId === type.id && link.inwardId === inward.id && link.outwardId === outward.id);
    if (!exists) {
      this.linksMade += 1;
      this.links.push({ id: String(20_000 + this.linksMade), typeId: type.id, inwardId: inward.id, outwardId: outward.id });
    }
    return { status: 201 };
  }

  private comment(idOrKey: string, body: unknown): Reply {
    const issue = this.find(idOrKey);
    if (!issue) return { status: 404, body: fixture("jira/error-404.json") };
    const adf = (body as { body?: unknown }).body;
    issue.comments.push(adf);
    const id = String(10_100 + issue.comments.length);
    return { status: 201, body: { self: `${JIRA_BASE_URL}/rest/api/3/issue/${issue.id}/comment/${id}`, id, body: adf } };
  }
}

function badJql(jql: unknown): Reply {
  return { status: 400, body: { errorMessages: [`Error in the JQL Query: ${String(jql)}`], errors: {} } };
}

function statusOf(status: JiraStatus) {
  const known = STATUSES[status];
  return { name: status, id: known.id, statusCategory: { key: known.category, name: known.categoryName } };
}
