// Turns a verified Jira body into what the bot needs from it. Every delivery carries
// `webhookEvent` and `timestamp`; issue events (jira:issue_created, jira:issue_updated) carry
// the issue (`key`, `fields.labels`, `fields.issuetype`), the `user` who acted and, on an
// update, the `changelog` whose items name each changed field with `fromString`/`toString`
// (labels as space-separated lists). https://developer.atlassian.com/cloud/jira/platform/webhooks/
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseJsonBody } from "../../http/body.ts";
import { HttpError } from "../../http/errors.ts";
import { deliveryIdSchema, displayText, firstIssue } from "../text.ts";
import { ErrorCode } from "../../errors/codes.ts";

export const ISSUE_EVENTS = ["jira:issue_created", "jira:issue_updated"] as const;

export interface JiraLabelChange {
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export interface JiraIssueLabels {
  /** PROJ-42 */
  readonly key: string;
  /** The labels the issue has now. */
  readonly labels: readonly string[];
  readonly issueType: { readonly name: string | undefined; readonly subtask: boolean; readonly hierarchyLevel: number | undefined };
  /** The changelog's `labels` items (usually one). */
  readonly labelChanges: readonly JiraLabelChange[];
}

export interface JiraDelivery {
  /** X-Atlassian-Webhook-Identifier (the same on every retry), else a hash of the body. */
  readonly deliveryId: string;
  readonly webhookEvent: string;
  /** When Jira raised the event (ms since the epoch); signed with the body. */
  readonly timestamp: number;
  readonly user: { readonly accountId: string; readonly displayName?: string } | null;
  /** Present for issue created and updated, the only deliveries that can start a run. */
  readonly issue: JiraIssueLabels | null;
}

const envelopeSchema = z.object({
  webhookEvent: z.string().min(1),
  timestamp: z.number(),
  user: z.record(z.string(), z.unknown()).nullish(),
});

const issueEventSchema = z.object({
  issue: z.object({
    key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,49}-\d{1,10}$/, "must be an issue key such as PROJ-42"),
    fields: z.object({
      labels: z.array(z.string().max(255)).max(1_000).nullish(),
      issuetype: z
        .object({ name: z.string().max(255).optional(), subtask: z.boolean().optional(), hierarchyLevel: z.number().optional() })
        .nullish(),
    }),
  }),
  changelog: z.object({ items: z.array(z.record(z.string(), z.unknown())).max(1_000) }).nullish(),
});

function invalid(what: string): HttpError {
  return new HttpError(400, ErrorCode.InvalidPayload, `not a Jira webhook delivery: ${what}`);
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix = ""): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(`${prefix}${firstIssue(result.error)}`);
  return result.data;
}

// A changelog item has keys named `toString` and `fromString`; read own properties only, or an
// absent `toString` would be Object.prototype.toString.
function ownText(item: Record<string, unknown>, key: string): string {
  const value = Object.hasOwn(item, key) ? item[key] : undefined;
  return typeof value === "string" ? value : "";
}

const labelList = (text: string) => text.split(/\s+/).filter(Boolean);

function labelChanges(items: readonly Record<string, unknown>[]): JiraLabelChange[] {
  return items
    .filter((item) => ownText(item, "field") === "labels" || ownText(item, "fieldId") === "labels")
    .map((item) => ({ from: labelList(ownText(item, "fromString")), to: labelList(ownText(item, "toString")) }));
}

export function parseJiraDelivery(raw: Buffer, headers: { readonly identifier: string | undefined }): JiraDelivery {
  const identifier = headers.identifier?.trim();
  const deliveryId = identifier
    ? parseWith(deliveryIdSchema, identifier, "X-Atlassian-Webhook-Identifier header: ")
    : // No identifier (an older or proxied sender): the same bytes are the same delivery.
      `sha256:${createHash("sha256").update(raw).digest("hex")}`;
  const body = parseJsonBody(raw);
  const envelope = parseWith(envelopeSchema, body);
  const accountId = displayText(envelope.user?.accountId);
  const displayName = displayText(envelope.user?.displayName);
  let issue: JiraIssueLabels | null = null;
  if ((ISSUE_EVENTS as readonly string[]).includes(envelope.webhookEvent)) {
    const event = parseWith(issueEventSchema, body);
    const type = event.issue.fields.issuetype;
    issue = {
      key: event.issue.key,
      labels: event.issue.fields.labels ?? [],
      issueType: { name: type?.name, subtask: type?.subtask ?? false, hierarchyLevel: type?.hierarchyLevel },
      labelChanges: labelChanges(event.changelog?.items ?? []),
    };
  }
  return {
    deliveryId,
    webhookEvent: envelope.webhookEvent,
    timestamp: envelope.timestamp,
    user: accountId ? { accountId, ...(displayName ? { displayName } : {}) } : null,
    issue,
  };
}
