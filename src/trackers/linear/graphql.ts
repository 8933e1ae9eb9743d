// One GraphQL call to Linear: sent through the SDK's raw client, retried by the shared retry
// helper, failures mapped to typed errors, the answer checked against its schema. Each attempt
// holds a slot of the workspace's budget and tells it what the rate-limit headers said.

import type { LinearClient } from "@linear/sdk";
import type { z } from "zod";
import type { Logger } from "../../log/logger.ts";
import { paceFor } from "../../budget/headroom.ts";
import { withSlot, type CallBudget } from "../../budget/call-budget.ts";
import { TrackerRateLimited, TrackerResponseInvalid } from "../errors.ts";
import { withRetry, type Sleep } from "../support/retry.ts";
import { withRequestTimeout } from "../support/request-timeout.ts";
import { mapLinearError } from "./errors.ts";
import { operationName } from "./queries.ts";
import { linearIdentity } from "./identity.ts";
import { linearHeadroom } from "./rate-limit.ts";

export interface LinearCallOptions {
  /** For messages: "read ENG-123". */
  readonly action: string;
  /** "Entity not found" means this story is missing (StoryNotFound), rather than a rejected request. */
  readonly notFoundKey?: string;
  readonly notFoundKind?: "issue" | "project";
  /** "rate-limit" for writes that must not be sent twice after an ambiguous failure. */
  readonly retryOn?: "retryable" | "rate-limit";
}

export type LinearCall = <S extends z.ZodType>(
  document: string,
  variables: Record<string, unknown>,
  schema: S,
  options: LinearCallOptions,
) => Promise<z.infer<S>>;

export function createLinearCall(deps: {
  readonly client: LinearClient;
  readonly logger: Logger;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly requestTimeoutMs: number;
  /** The workspace's requests in flight and pace, shared by every process; unset: not limited. */
  readonly budget?: CallBudget | undefined;
}): LinearCall {
  return async (document, variables, schema, options) => {
    const name = operationName(document);
    const data = await withRetry(
      async () => {
        const send = async () => {
          try {
            return await withRequestTimeout(deps.client.client.rawRequest<unknown, Record<string, unknown>>(document, variables), deps.requestTimeoutMs);
          } catch (error) {
            throw mapLinearError(error, {
              action: options.action,
              now: deps.now,
              ...(options.notFoundKey === undefined ? {} : { notFoundKey: options.notFoundKey }),
              ...(options.notFoundKind === undefined ? {} : { notFoundKind: options.notFoundKind }),
            });
          }
        };
        const response = await withSlot(deps.budget, send, {
          ofResult: (answer) => ({ kind: "ok", paceMs: paceFor(linearHeadroom(answer.headers, deps.now())) }),
          ofError: (error) => (error instanceof TrackerRateLimited ? { kind: "refused", retryAfterMs: error.retryAfterMs } : { kind: "failed" }),
        });
        return response.data;
      },
      { sleep: deps.sleep, logger: deps.logger, what: `linear ${name}`, retryOn: options.retryOn ?? "retryable" },
    );
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      deps.logger.warn({ operation: name, issues: parsed.error.issues.slice(0, 5) }, "unexpected Linear answer");
      throw new TrackerResponseInvalid(linearIdentity, `${name} (${options.action})`, { cause: parsed.error });
    }
    return parsed.data;
  };
}
