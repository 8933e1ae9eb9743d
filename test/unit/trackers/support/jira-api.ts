// A Jira Cloud site played by nock: replies queued per method and path.

import { playApi, type ApiPlayer, type Replier } from "./api-player.ts";

export const JIRA_BASE_URL = "https://acme.atlassian.net";

export interface JiraApi extends ApiPlayer {
  /** Queues replies for one method and path, e.g. ("GET", "/rest/api/3/issue/PROJ-42"). */
  route(method: string, path: string, ...replies: Replier[]): JiraApi;
  /** "METHOD path" of every request so far, in order. */
  calls(): string[];
}

export function playJira(): JiraApi {
  const player = playApi(JIRA_BASE_URL);
  const api: JiraApi = {
    ...player,
    route(method, path, ...replies) {
      player.on(`${method} ${path}`, (request) => request.method === method && request.path === path, ...replies);
      return api;
    },
    calls: () => player.requests.map((request) => `${request.method} ${request.path}`),
  };
  return api;
}

export const json = (body: unknown, status = 200) => ({ status, body });
