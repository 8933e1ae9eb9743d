// Anthropic's Messages API as a real local HTTP server (not nock), for tests and benches that
// need real concurrency: it counts the calls in flight across every client, answers each story
// with its steps after a delay, and enforces Anthropic's limits when asked: requests and output
// tokens per minute as token buckets refilled continuously, a 429 `rate_limit_error` with
// retry-after when either is empty, and the anthropic-ratelimit-* headers on every answer
// (https://docs.anthropic.com/en/api/rate-limits).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stepsOf } from "./claude.ts";

export interface AnthropicServerOptions {
  /** How long each answer takes; default 100 ms. */
  readonly delayMs?: number;
  /** Output tokens each answer reports; default 380. */
  readonly outputTokens?: number;
  readonly requestsPerMinute?: number;
  readonly outputTokensPerMinute?: number;
  /** Refuse the n-th call (0-based) with this status (429, 529) and retry-after in seconds. */
  readonly refuse?: (n: number) => { status: number; retryAfterSeconds?: number } | null;
}

export interface CallRecord {
  readonly at: number;
  readonly status: number;
  /** Calls in flight when this one arrived, itself included. */
  readonly inFlight: number;
}

export interface AnthropicServer {
  readonly url: string;
  readonly calls: CallRecord[];
  /** The most calls that were ever in flight at once. */
  maxInFlight(): number;
  /** Calls refused with a 429 or 529. */
  refused(): number;
  close(): Promise<void>;
}

class Bucket {
  private readonly perMinute: number;
  private tokens: number;
  private last = performance.now();
  constructor(perMinute: number) {
    this.perMinute = perMinute;
    this.tokens = perMinute;
  }
  /** ms until `amount` is available (0: available now). */
  waitFor(amount: number): number {
    this.refill();
    return this.tokens >= Math.min(amount, this.perMinute) ? 0 : ((Math.min(amount, this.perMinute) - this.tokens) / this.perMinute) * 60_000;
  }
  take(amount: number): void {
    this.refill();
    this.tokens -= amount;
  }
  /** Anthropic's headers for this bucket: limit, what is left, when it is full again (RFC 3339). */
  headers(name: string): Record<string, string> {
    this.refill();
    const fullInMs = ((this.perMinute - this.tokens) / this.perMinute) * 60_000;
    return {
      [`anthropic-ratelimit-${name}-limit`]: String(this.perMinute),
      [`anthropic-ratelimit-${name}-remaining`]: String(Math.max(0, Math.floor(this.tokens))),
      [`anthropic-ratelimit-${name}-reset`]: new Date(Date.now() + Math.ceil(fullInMs)).toISOString(),
    };
  }
  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) / 60_000) * this.perMinute);
    this.last = now;
  }
}

async function readJson(request: IncomingMessage): Promise<{ messages?: { content?: unknown }[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as { messages?: { content?: unknown }[] };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

export async function startAnthropicServer(options: AnthropicServerOptions = {}): Promise<AnthropicServer> {
  const delayMs = options.delayMs ?? 100;
  const outputTokens = options.outputTokens ?? 380;
  const requests = options.requestsPerMinute ? new Bucket(options.requestsPerMinute) : null;
  const output = options.outputTokensPerMinute ? new Bucket(options.outputTokensPerMinute) : null;
  const calls: CallRecord[] = [];
  let inFlight = 0;
  let n = 0;

  const server = createServer((request, response) => {
    void (async () => {
      inFlight += 1;
      const index = n++;
      try {
        const body = await readJson(request);
        const waitMs = Math.max(requests?.waitFor(1) ?? 0, output?.waitFor(outputTokens) ?? 0);
        // Sent with every answer, as Anthropic does, so a client can slow down before it is refused.
        const limitHeaders = () => ({ ...requests?.headers("requests"), ...output?.headers("output-tokens") });
        const scripted = options.refuse?.(index) ?? null;
        if (scripted || waitMs > 0) {
          const status = scripted?.status ?? 429;
          const retryAfter = scripted?.retryAfterSeconds ?? Math.ceil(waitMs / 1000);
          calls.push({ at: Date.now(), status, inFlight });
          const type = status === 529 ? "overloaded_error" : "rate_limit_error";
          send(response, status, { type: "error", error: { type, message: "slow down" } }, { ...limitHeaders(), "retry-after": String(retryAfter) });
          return;
        }
        requests?.take(1);
        output?.take(outputTokens);
        calls.push({ at: Date.now(), status: 200, inFlight });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const prompt = String(body.messages?.[0]?.content ?? "");
        const key = /Break the story (\S+) into subtasks/.exec(prompt)?.[1] ?? "STORY";
        send(
          response,
          200,
          {
            id: `msg_${index + 1}`,
            type: "message",
            role: "assistant",
            model: "claude-sonnet-5-5",
            content: [{ type: "text", text: JSON.stringify(stepsOf(key, 3)) }],
            stop_reason: "end_turn",
            stop_sequence: null,
            usage: { input_tokens: 420, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          },
          { ...limitHeaders(), "request-id": `req_${index + 1}` },
        );
      } catch (error) {
        send(response, 500, { type: "error", error: { type: "api_error", message: String(error) } });
      } finally {
        inFlight -= 1;
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    maxInFlight: () => Math.max(0, ...calls.map((call) => call.inFlight)),
    refused: () => calls.filter((call) => call.status === 429 || call.status === 529).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
