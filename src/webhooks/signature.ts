// HMAC-SHA256 signatures as Linear and Jira send them: a hex digest of the raw request body,
// keyed with the webhook's signing secret. Computed on the bytes as received, never on
// re-serialised JSON, whose bytes differ.
import { createHmac, timingSafeEqual } from "node:crypto";

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** The hex HMAC-SHA256 of `body` under `secret` (what a sender puts in its signature header). */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Whether `sentHex` is the HMAC-SHA256 of `body` under `secret`. The digests are compared as
 * bytes of equal length with timingSafeEqual, so the time taken says nothing about how much of
 * a forged signature was right. A value that is not 64 hex digits cannot match and is refused
 * before any comparison; its shape is public, the expected digest is not.
 */
export function signatureMatches(body: Buffer, secret: string, sentHex: string): boolean {
  if (!SHA256_HEX.test(sentHex)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const sent = Buffer.from(sentHex, "hex");
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
