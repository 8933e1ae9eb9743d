// A Jira Cloud site's admin surface behind nock, for `subtasks setup jira` and `subtasks
// doctor`: the account (GET /rest/api/3/myself), its global permissions (GET
// /rest/api/3/mypermissions), projects and their issue types (createmeta), and the admin
// webhooks of /rest/webhooks/1.0/webhook, kept in memory.
import { playApi, type ApiPlayer, type RecordedRequest, type Reply } from "../unit/trackers/support/api-player.ts";
import { fixture } from "../unit/trackers/support/fixtures.ts";

export const JIRA_SITE = "https://acme.atlassian.net";

export interface JiraAdminWebhook {
  name: string;
  url: string;
  events: string[];
  filters: Record<string, string>;
  excludeBody: boolean;
  secret?: string;
  enabled: boolean;
  self: string;
}

const FORBIDDEN: Reply = { status: 403, body: { errorMessages: ["You are not authorized to perform this action. Administrator privileges are required."], errors: {} } };

export class JiraAdminSite {
  admin = true;
  readonly webhooks: JiraAdminWebhook[] = [];
  /** Projects and whether each has a sub-task issue type. */
  readonly projects = new Map<string, boolean>([["PROJ", true]]);
  posts = 0;
  readonly api: ApiPlayer;

  constructor(email: string, token: string) {
    const authorization = `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`;
    this.api = playApi(JIRA_SITE, {
      otherwise: (request) =>
        request.headers.get("authorization") === authorization
          ? this.answer(request, email)
          : { status: 401, body: "Client must be authenticated to access this resource.", headers: { "Content-Type": "text/plain" } },
    });
  }

  stop(): void {
    this.api.stop();
  }

  private answer(request: RecordedRequest, email: string): Reply | undefined {
    const route = `${request.method} ${request.path}`;
    if (route === "GET /rest/api/3/myself") {
      return { body: { self: `${JIRA_SITE}/rest/api/3/user?accountId=5b10a2844c20165700ede21g`, accountId: "5b10a2844c20165700ede21g", emailAddress: email, displayName: "Jo Jira", active: true, timeZone: "Europe/Paris", accountType: "atlassian" } };
    }
    if (route === "GET /rest/api/3/mypermissions" && request.query.get("permissions") === "ADMINISTER") {
      return { body: { permissions: { ADMINISTER: { id: "0", key: "ADMINISTER", name: "Administer Jira", type: "GLOBAL", description: "Create and administer projects, issue types, fields, workflows, and schemes for all projects.", havePermission: this.admin } } } };
    }
    if (route === "GET /rest/api/3/project/search") {
      const values = [...this.projects.keys()].map((key, index) => ({ id: String(10000 + index), key, name: `${key} project`, self: `${JIRA_SITE}/rest/api/3/project/${10000 + index}` }));
      return { body: { self: `${JIRA_SITE}/rest/api/3/project/search`, maxResults: 100, startAt: 0, total: values.length, isLast: true, values } };
    }
    const createmeta = /^GET \/rest\/api\/3\/issue\/createmeta\/([A-Z]+)\/issuetypes$/.exec(route);
    if (createmeta) {
      const project = createmeta[1]!;
      if (!this.projects.has(project)) return { status: 404, body: { errorMessages: [`No project could be found with key '${project}'.`], errors: {} } };
      return { body: fixture(this.projects.get(project) ? "jira/createmeta-PROJ-issuetypes.json" : "jira/createmeta-PROJ-issuetypes-no-subtask.json") };
    }
    if (route === "GET /rest/webhooks/1.0/webhook") {
      // Jira never shows a webhook's secret again.
      return this.admin ? { body: this.webhooks.map(({ secret: _secret, ...hook }) => hook) } : FORBIDDEN;
    }
    if (route === "POST /rest/webhooks/1.0/webhook") {
      if (!this.admin) return FORBIDDEN;
      this.posts += 1;
      const input = request.body as Omit<JiraAdminWebhook, "enabled" | "self">;
      const hook = { ...input, enabled: true, self: `${JIRA_SITE}/rest/webhooks/1.0/webhook/${this.webhooks.length + 1}` };
      this.webhooks.push(hook);
      const { secret: _secret, ...shown } = hook;
      return { status: 201, body: shown };
    }
    return undefined;
  }
}
