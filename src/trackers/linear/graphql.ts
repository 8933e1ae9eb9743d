// One GraphQL call to Linear: sent through the SDK's raw client, retried by the shared retry
// helper, failures mapped to typed errors, the answer checked against its schema.

import type { LinearClient } from "@linear/sdk";
import type { z } from "zod";
import type { Logger } from "../../log/logger.ts";
import { TrackerResponseInvalid } from "../errors.ts";
import { withRetry, type Sleep } from "../support/retry.ts";
import { withRequestTimeout } from "../support/request-timeout.ts";
import { mapLinearError } from "./errors.ts";
import { operationName } from "./queries.ts";
import { linearIdentity } from "./identity.ts";

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
}): LinearCall {
  return async (document, variables, schema, options) => {
    const name = operationName(document);
    const data = await withRetry(
      async () => {
        try {
          const response = await withRequestTimeout(
            deps.client.client.rawRequest<unknown, Record<string, unknown>>(document, variables),
            deps.requestTimeoutMs,
          );
          return response.data;
        } catch (error) {
          throw mapLinearError(error, {
            action: options.action,
            now: deps.now,
            ...(options.notFoundKey === undefined ? {} : { notFoundKey: options.notFoundKey }),
            ...(options.notFoundKind === undefined ? {} : { notFoundKind: options.notFoundKind }),
          });
        }
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
