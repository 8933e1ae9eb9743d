// Validation shared by the providers' parsers, for values that end up in the database.
import { z } from "zod";

/**
 * A header value used as a key (delivery ids): printable ASCII, bounded, so it fits the
 * unique index and can never make the insert fail for a reason the sender controls.
 */
export const deliveryIdSchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, "must be 1 to 200 printable ASCII characters");

/**
 * Display text from a payload (a person's name): control characters are dropped (PostgreSQL
 * refuses NUL in text) and the length is capped, so it is stored whatever a sender puts there.
 */
export function displayText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return clean === "" ? undefined : clean;
}

/** The first problem zod found, as "path: message", for a 400 a person can act on. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
