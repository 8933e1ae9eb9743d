// Turns a verified Linear body into what the bot needs from it. The envelope is Linear's
// EntityWebhookPayload (type, action, data, updatedFrom, actor, webhookTimestamp); for Issue
// create and update, the issue's labels as IssueWebhookPayload carries them (see
// EntityWebhookPayloadWithIssueData in @linear/sdk/webhooks). Other entity types are not read
// further: they are answered "ignored".
import { z } from "zod";
import { parseJsonBody } from "../../http/body.ts";
import { HttpError } from "../../http/errors.ts";
import { deliveryIdSchema, displayText, firstIssue } from "../text.ts";
import { ErrorCode } from "../../errors/codes.ts";

export interface LinearLabel {
  readonly id: string;
  readonly name: string;
}

export interface LinearIssueLabels {
  readonly id: string;
  /** ENG-123 */
  readonly identifier: string;
  /** The labels the issue has now, with their names. */
  readonly labels: readonly LinearLabel[];
  readonly labelIds: readonly string[];
  /**
   * updatedFrom.labelIds: the label ids before this update. Linear puts a field in updatedFrom
   * only when it changed, so undefined means the labels did not change.
   */
  readonly previousLabelIds: readonly string[] | undefined;
}

export interface LinearDelivery {
  /** The Linear-Delivery header, unique per delivery: the dedupe key. */
  readonly deliveryId: string;
  /** Issue, Comment, IssueLabel, Project… */
  readonly type: string;
  /** create, update, remove… */
  readonly action: string;
  /** When Linear sent it (ms since the epoch); signed with the body. */
  readonly webhookTimestamp: number;
  readonly actor: { readonly id: string; readonly name?: string } | null;
  /** Present for Issue create and update, the only deliveries that can start a run. */
  readonly issue: LinearIssueLabels | null;
}

const envelopeSchema = z.object({
  type: z.string().min(1),
  action: z.string().min(1),
  webhookTimestamp: z.number(),
  data: z.record(z.string(), z.unknown()),
  updatedFrom: z.record(z.string(), z.unknown()).nullish(),
  actor: z.record(z.string(), z.unknown()).nullish(),
});

const labelIdsSchema = z.array(z.string().max(200)).max(1_000);

const issueSchema = z.object({
  id: z.string().min(1).max(200),
  identifier: z.string().regex(/^[A-Za-z0-9_]{1,20}-\d{1,10}$/, "must be an issue identifier such as ENG-123"),
  labelIds: labelIdsSchema,
  labels: z.array(z.object({ id: z.string().max(200), name: z.string().max(500) })).max(1_000),
});

const updatedFromSchema = z.object({ labelIds: labelIdsSchema.optional() });

function invalid(what: string): HttpError {
  return new HttpError(400, ErrorCode.InvalidPayload, `not a Linear webhook delivery: ${what}`);
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(`${prefix}${firstIssue(result.error)}`);
  return result.data;
}

/** The Linear-Delivery header, checked: the dedupe key of every Linear delivery. */
export function parseLinearDeliveryId(header: string | undefined): string {
  return parseWith(deliveryIdSchema, header?.trim() ?? "", "Linear-Delivery header: ");
}

export function parseLinearDelivery(raw: Buffer | { readonly json: unknown }, headers: { readonly deliveryId: string | undefined }): LinearDelivery {
  const deliveryId = parseLinearDeliveryId(headers.deliveryId);
  const envelope = parseWith(envelopeSchema, Buffer.isBuffer(raw) ? parseJsonBody(raw) : raw.json, "");
  const actorId = displayText(envelope.actor?.id);
  const actorName = displayText(envelope.actor?.name);
  let issue: LinearIssueLabels | null = null;
  if (envelope.type === "Issue" && (envelope.action === "create" || envelope.action === "update")) {
    const data = parseWith(issueSchema, envelope.data, "data.");
    const previous = parseWith(updatedFromSchema, envelope.updatedFrom ?? {}, "updatedFrom.");
    issue = { ...data, previousLabelIds: previous.labelIds };
  }
  return {
    deliveryId,
    type: envelope.type,
    action: envelope.action,
    webhookTimestamp: envelope.webhookTimestamp,
    actor: actorId ? { id: actorId, ...(actorName ? { name: actorName } : {}) } : null,
    issue,
  };
}
