// Linear's GraphQL endpoint played by nock: replies are queued per operation name.

import { playApi, type ApiPlayer, type RecordedRequest, type Replier } from "./api-player.ts";

export const LINEAR_API_URL = "https://api.linear.app/graphql";

export interface GraphqlRequest {
  readonly query: string;
  readonly variables: Record<string, any>;
}

export function graphqlOf(request: RecordedRequest): GraphqlRequest {
  return request.body as GraphqlRequest;
}

export function operationOf(request: RecordedRequest): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(graphqlOf(request)?.query ?? "")?.[1] ?? "?";
}

export interface LinearApi extends ApiPlayer {
  /** Queues replies for one GraphQL operation, e.g. "Story" or "CreateIssues". */
  graphql(operation: string, ...replies: Replier[]): LinearApi;
  /** Operation names of every request so far, in order. */
  operations(): string[];
  /** Variables of the requests for one operation, in order. */
  variablesOf(operation: string): Record<string, any>[];
}

export function playLinear(): LinearApi {
  const player = playApi(new URL(LINEAR_API_URL).origin);
  const api: LinearApi = {
    ...player,
    graphql(operation, ...replies) {
      player.on(operation, (request) => request.path === "/graphql" && operationOf(request) === operation, ...replies);
      return api;
    },
    operations: () => player.requests.map(operationOf),
    variablesOf: (operation) =>
      player.requests.filter((request) => operationOf(request) === operation).map((request) => graphqlOf(request).variables),
  };
  return api;
}

/** A GraphQL answer with data. */
export const data = (body: unknown) => ({ status: 200, body });
