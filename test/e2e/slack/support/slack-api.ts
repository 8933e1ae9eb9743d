// Slack's Web API and response_url behind nock. Every Web API call is recorded with its
// arguments (the client sends them form-encoded; blocks arrive as JSON and are parsed back), and
// answered like Slack would: ts values increase, channel names resolve to ids. A test can queue
// a different answer for the next call of a method (an error, or a 429 with Retry-After), or
// have it enforce Slack's pace of messages per channel (about one per second, short bursts
// allowed; https://docs.slack.dev/apis/web-api/rate-limits): a post or an update over it is
// answered 429 `ratelimited` with Retry-After, as Slack does.
import nock from "nock";

export const SLACK_API_URL = "https://slack.test/api/";
export const RESPONSE_URL_ORIGIN = "https://hooks.slack.test";

export interface SlackCall {
  readonly method: string;
  readonly args: Record<string, any>;
  readonly at: number;
  readonly status: number;
  /** What the player answered. */
  result?: Record<string, any>;
}

export interface SlackAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: Record<string, unknown>;
}

export interface ResponseUrlPost {
  readonly path: string;
  readonly body: Record<string, any>;
}

export interface PlayedSlack {
  readonly calls: SlackCall[];
  readonly responses: ResponseUrlPost[];
  /** Calls of one method, in order. */
  callsOf(method: string): SlackCall[];
  /** The replies posted in a thread, in order. */
  repliesIn(threadTs: string): SlackCall[];
  /** The stories with a reply in the thread (a reply may show several), by key. */
  storiesRepliedIn(threadTs: string): Set<string>;
  /** Calls answered 429. */
  rateLimited(): number;
  /** Answers the next call(s) of `method` with these, in order, before the default answers. */
  next(method: string, ...answers: SlackAnswer[]): void;
  /** users.info answers is_admin for these users. */
  admins: Set<string>;
  /** users.info shows these emails (scope users:read.email), by user id. */
  emails: Map<string, string>;
  stop(): void;
}

function parseForm(text: string): Record<string, any> {
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const json = (key === "blocks" || key === "view") && (value.startsWith("[") || value.startsWith("{"));
    args[key] = json ? JSON.parse(value) : value;
  }
  return args;
}

export interface SlackPlayOptions {
  /** Enforce Slack's message pace per channel: tokens refilled at perSecond, at most burst. */
  readonly channelLimit?: { readonly perSecond: number; readonly burst: number };
}

const PACED_METHODS = new Set(["chat.postMessage", "chat.update"]);

/** A bucket of `burst` messages per channel, refilled at `perSecond`; null: over the limit, wait this many seconds. */
function channelLimiter(limit: { perSecond: number; burst: number }): (channel: string) => number | null {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (channel) => {
    const now = performance.now();
    const bucket = buckets.get(channel) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  };
}

export function playSlack(options: SlackPlayOptions = {}): PlayedSlack {
  const overLimit = options.channelLimit ? channelLimiter(options.channelLimit) : null;
  const calls: SlackCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const queued = new Map<string, SlackAnswer[]>();
  const admins = new Set<string>();
  const emails = new Map<string, string>();
  let ts = 1_767_000_000;
  let views = 0;
  const nextTs = () => `${++ts}.000100`;

  const defaults: Record<string, (args: Record<string, any>) => Record<string, unknown>> = {
    "auth.test": () => ({ ok: true, url: "https://acme.slack.test/", team: "Acme", user: "subtasks", team_id: "T0ACME", user_id: "U0BOT", bot_id: "B0BOT" }),
    "chat.postMessage": (args) => ({ ok: true, channel: channelId(args.channel), ts: nextTs(), message: { text: args.text } }),
    "chat.update": (args) => ({ ok: true, channel: args.channel, ts: args.ts, text: args.text }),
    "chat.getPermalink": (args) => ({
      ok: true,
      channel: args.channel,
      permalink: `https://acme.slack.test/archives/${args.channel}/p${String(args.message_ts).replace(".", "")}`,
    }),
    "users.info": (args) => ({
      ok: true,
      user: {
        id: args.user,
        name: args.user.toLowerCase(),
        is_admin: admins.has(args.user),
        is_owner: false,
        profile: { real_name: args.user, ...(emails.has(args.user) ? { email: emails.get(args.user) } : {}) },
      },
    }),
    "views.publish": () => ({ ok: true, view: { id: "V0HOME" } }),
    "views.open": (args) => ({ ok: true, view: { ...args.view, id: `V0MODAL${++views}` } }),
    "views.update": (args) => ({ ok: true, view: { ...args.view, id: args.view_id } }),
  };

  // nock 15 hands the reply function the fetch Request itself.
  const api = nock(new URL(SLACK_API_URL).origin).persist();
  api.intercept(/^\/api\/[\w.]+$/, "POST").reply(async function (request: Request) {
    const method = new URL(request.url).pathname.replace(/^\/api\//, "");
    const args = parseForm(await request.clone().text());
    const retryAfter = overLimit && PACED_METHODS.has(method) ? overLimit(channelId(String(args.channel))) : null;
    const answer: SlackAnswer | undefined =
      retryAfter !== null ? { status: 429, headers: { "retry-after": String(retryAfter) }, body: { ok: false, error: "ratelimited" } } : queued.get(method)?.shift();
    const status = answer?.status ?? 200;
    const call: SlackCall = { method, args, at: Date.now(), status };
    calls.push(call);
    if (answer) {
      call.result = answer.body;
      return [status, JSON.stringify(answer.body), { "content-type": "application/json", ...answer.headers }];
    }
    const make = defaults[method];
    call.result = make ? make(args) : { ok: false, error: "unknown_method" };
    return [200, JSON.stringify(call.result), { "content-type": "application/json" }];
  } as never);

  const hooks = nock(RESPONSE_URL_ORIGIN).persist();
  hooks.intercept(/.*/, "POST").reply(async function (request: Request) {
    responses.push({ path: new URL(request.url).pathname, body: JSON.parse(await request.clone().text()) as Record<string, any> });
    return [200, "ok", { "content-type": "text/plain" }];
  } as never);

  return {
    calls,
    responses,
    admins,
    emails,
    callsOf: (method) => calls.filter((call) => call.method === method),
    repliesIn: (threadTs) => calls.filter((call) => call.method === "chat.postMessage" && call.args.thread_ts === threadTs && call.status === 200),
    storiesRepliedIn: (threadTs) =>
      new Set(
        calls
          .filter((call) => call.method === "chat.postMessage" && call.args.thread_ts === threadTs && call.status === 200)
          .flatMap((call) => [...String(call.args.text).matchAll(/^([A-Z][A-Z0-9]*-\d+):/gm)].map((match) => match[1]!)),
      ),
    rateLimited: () => calls.filter((call) => call.status === 429).length,
    next(method, ...answers) {
      queued.set(method, [...(queued.get(method) ?? []), ...answers]);
    },
    stop() {
      api.persist(false);
      hooks.persist(false);
      nock.cleanAll();
    },
  };
}

/** Slack answers with the channel's id; tests post to ids except SLACK_DEFAULT_CHANNEL by name. */
function channelId(channel: string): string {
  return channel.startsWith("#") ? "C0DEFAULT" : channel;
}

/** The text of every section and context in a message's blocks, joined: what a person reads. */
export function textOf(blocks: any[] | undefined): string {
  const parts: string[] = [];
  for (const block of blocks ?? []) {
    if (block.text?.text) parts.push(block.text.text);
    for (const field of block.fields ?? []) parts.push(field.text);
    for (const element of block.elements ?? []) if (typeof element.text === "string") parts.push(element.text);
  }
  return parts.join("\n");
}
