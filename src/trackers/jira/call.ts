// One call to Jira through jira.js: retried by the shared retry helper, failures mapped to
// typed errors, the answer checked against its schema.

import type { z } from "zod";
import type { Logger } from "../../log/logger.ts";
import { TrackerResponseInvalid } from "../errors.ts";
import { withRetry, type Sleep } from "../support/retry.ts";
import type { JiraClient } from "./client.ts";
import { mapJiraError } from "./errors.ts";
import { jiraIdentity } from "./identity.ts";

export interface JiraCallOptions {
  /** For messages: "read PROJ-42". */
  readonly action: string;
  /** The project permission the action needs, named when Jira answers 403. */
  readonly permission?: string;
  /** A 404 means this story is missing (StoryNotFound). */
  readonly notFoundKey?: string;
  /** "rate-limit" for writes Jira has no idempotency for (creates, comments). */
  readonly retryOn?: "retryable" | "rate-limit";
}

export type JiraCall = <S extends z.ZodType>(
  operation: (jira: JiraClient) => Promise<unknown>,
  schema: S,
  options: JiraCallOptions,
) => Promise<z.infer<S>>;

export function createJiraCall(deps: {
  /** Loading: see client.ts. */
  readonly jira: Promise<JiraClient>;
  readonly logger: Logger;
  readonly sleep: Sleep;
  readonly now: () => number;
}): JiraCall {
  return async (operation, schema, options) => {
    const data = await withRetry(
      async () => {
        try {
          return await operation(await deps.jira);
        } catch (error) {
          throw mapJiraError(error, {
            action: options.action,
            now: deps.now,
            ...(options.permission === undefined ? {} : { permission: options.permission }),
            ...(options.notFoundKey === undefined ? {} : { notFoundKey: options.notFoundKey }),
          });
        }
      },
      { sleep: deps.sleep, logger: deps.logger, what: `jira ${options.action}`, retryOn: options.retryOn ?? "retryable" },
    );
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      deps.logger.warn({ action: options.action, issues: parsed.error.issues.slice(0, 5) }, "unexpected Jira answer");
      throw new TrackerResponseInvalid(jiraIdentity, options.action, { cause: parsed.error });
    }
    return parsed.data;
  };
}
