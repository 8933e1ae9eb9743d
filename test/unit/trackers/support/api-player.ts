// Plays a provider's HTTP API with nock: answers queued per route, every request recorded so a
// test can assert what was sent and how many requests one operation took. A request no route
// expects is recorded as unexpected and answered 599 (tests assert there are none).
// A stateful fake of the provider (a "world") can answer what no queued reply does, through
// `otherwise`; queued replies still come first, so a test can slip in one failure.

import nock from "nock";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  /** Parsed JSON, or the raw text, or undefined. */
  readonly body: unknown;
}

export interface Reply {
  readonly status?: number;
  /** Sent as JSON; a string is sent as plain text. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Fail at the network level instead of answering. */
  readonly networkError?: string;
  /** Never answer: the process that asked has died (its requests time out, if anything). */
  readonly hang?: boolean;
}

export type Replier = Reply | ((request: RecordedRequest) => Reply);

interface Route {
  readonly label: string;
  readonly matches: (request: RecordedRequest) => boolean;
  readonly replies: Replier[];
}

export interface ApiPlayer {
  readonly requests: RecordedRequest[];
  readonly unexpected: RecordedRequest[];
  /** Queues replies, used in order, for the requests that match. */
  on(label: string, matches: (request: RecordedRequest) => boolean, ...replies: Replier[]): ApiPlayer;
  /** Routes whose replies were not all used. */
  pending(): string[];
  stop(): void;
}

export interface PlayApiOptions {
  /** Answers a request no queued reply matches; undefined leaves it unexpected. */
  readonly otherwise?: (request: RecordedRequest) => Reply | undefined;
}

export function playApi(origin: string, options: PlayApiOptions = {}): ApiPlayer {
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const routes: Route[] = [];
  const scope = nock(origin).persist();

  for (const method of ["GET", "POST", "PUT", "DELETE"]) {
    scope.intercept(() => true, method).reply(async function (request: Request) {
      const url = new URL(request.url);
      const text = await request.clone().text();
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: parse(text),
      };
      requests.push(recorded);
      const route = routes.find((candidate) => candidate.replies.length > 0 && candidate.matches(recorded));
      const replier = route?.replies.shift() ?? options.otherwise?.(recorded);
      if (!replier) {
        unexpected.push(recorded);
        return [599, { unexpected: `${recorded.method} ${recorded.path}` }, { "Content-Type": "application/json" }];
      }
      const reply = typeof replier === "function" ? replier(recorded) : replier;
      if (reply.networkError) throw Object.assign(new Error(reply.networkError), { code: "ECONNRESET" });
      if (reply.hang) return new Promise<never>(() => undefined);
      const status = reply.status ?? 200;
      if (reply.body === undefined) return [status, "", reply.headers ?? {}];
      if (typeof reply.body === "string") return [status, reply.body, { "Content-Type": "text/plain", ...reply.headers }];
      return [status, JSON.stringify(reply.body), { "Content-Type": "application/json; charset=utf-8", ...reply.headers }];
    } as never);
  }

  const player: ApiPlayer = {
    requests,
    unexpected,
    on(label, matches, ...replies) {
      routes.push({ label, matches, replies });
      return player;
    },
    pending: () => routes.filter((route) => route.replies.length > 0).map((route) => route.label),
    stop() {
      scope.persist(false);
      nock.cleanAll();
    },
  };
  return player;
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
