// A local HTTP front for one played provider: the bot processes talk to it over real HTTP, and
// it forwards each request, with fetch, to the provider's origin, where nock answers from the
// stateful fake of test/support (LinearWorkspace, JiraSite, playClaude, playSlack) that lives in
// this process. On the way it adds latency, and while a storm is on it answers with the
// provider's own failure instead (429 or 529 with Retry-After, 5xx), without forwarding.
// A bench can also give it the provider's own rate limit (`limit`): consulted for each request,
// it may refuse it as the provider would, and adds the provider's rate-limit headers to every
// answer. Without one (as in chaos) requests are only delayed and stormed.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Random } from "./random.ts";

export interface Failure {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export interface FrontOptions {
  /** Where nock plays the provider, e.g. https://api.linear.app. */
  readonly origin: string;
  readonly random: Random;
  /** Added before each answer: 0 to this many ms. */
  readonly maxLatencyMs: number;
  /** The failures of a storm; one is picked for each request while it lasts. */
  readonly stormFailures: readonly Failure[];
  /** Share of requests failed during a storm (the rest go through). */
  readonly stormShare: number;
  /** The provider's rate limit, asked once per request after the latency; none: no limit. */
  readonly limit?: (request: LimitedRequest) => LimitVerdict;
}

export interface LimitedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

export interface LimitVerdict {
  /** The provider's refusal, answered instead of forwarding. */
  readonly refuse?: Failure;
  /** Headers the provider adds to its answer (forwarded or refused), e.g. X-RateLimit-*. */
  readonly headers?: Record<string, string>;
}

export interface Front {
  readonly url: string;
  /** Requests answered with a failure, by status. */
  readonly failed: Map<number, number>;
  forwarded: number;
  storm(on: boolean): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFront(options: FrontOptions): Promise<Front> {
  let storming = false;
  const failed = new Map<number, number>();
  const front: Front = {
    url: "",
    failed,
    forwarded: 0,
    storm: (on) => void (storming = on),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      await new Promise((resolve) => setTimeout(resolve, options.random.int(0, options.maxLatencyMs)));
      if (storming && options.random.chance(options.stormShare)) {
        const failure = options.random.pick(options.stormFailures);
        failed.set(failure.status, (failed.get(failure.status) ?? 0) + 1);
        res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
        res.end(JSON.stringify(failure.body));
        return;
      }
      const verdict = options.limit?.({ method: req.method!, path: req.url!, body }) ?? {};
      if (verdict.refuse) {
        failed.set(verdict.refuse.status, (failed.get(verdict.refuse.status) ?? 0) + 1);
        res.writeHead(verdict.refuse.status, { "content-type": "application/json", ...verdict.refuse.headers, ...verdict.headers });
        res.end(JSON.stringify(verdict.refuse.body));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && typeof value === "string") headers[name] = value;
      const answer = await fetch(`${options.origin}${req.url}`, { method: req.method!, headers, ...(body.length > 0 ? { body } : {}) });
      front.forwarded++;
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== "content-encoding") out[name] = value;
      });
      res.writeHead(answer.status, { ...out, ...verdict.headers });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`chaos front: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(front, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
