import { createHash } from "node:crypto";

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The id the bot gives a new Linear issue or relation, derived from its clientId. Linear takes a
 * client-chosen `IssueCreateInput.id` and `IssueRelationCreateInput.id` "in UUID v4 format", so
 * a clientId that is another kind of UUID (a v5 derived from run, story and code) is hashed into
 * a v4-shaped one. The same clientId
 * always gives the same id, so a repeated create can be recognised.
 */
export function linearIssueId(clientId: string): string {
  if (uuidV4.test(clientId)) return clientId.toLowerCase();
  const hex = createHash("sha256").update(clientId).digest("hex");
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
