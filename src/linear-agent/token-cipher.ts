// Tokens at rest: AES-256-GCM under TOKEN_ENCRYPTION_KEY, a fresh 12-byte nonce per value, the
// authentication tag kept with it, so a stored token that was tampered with fails to open
// rather than yielding garbage. Stored as "v1.<nonce>.<tag>.<ciphertext>" (base64url).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

export class TokenCipher {
  private readonly key: Buffer;

  /** `hexKey`: 64 hex digits (32 bytes), as TOKEN_ENCRYPTION_KEY holds it. */
  constructor(hexKey: string) {
    this.key = Buffer.from(hexKey, "hex");
    if (this.key.length !== 32) throw new Error("the token encryption key must be 32 bytes (64 hex digits)");
  }

  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [VERSION, nonce, cipher.getAuthTag(), sealed].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
  }

  open(stored: string): string {
    const [version, nonce, tag, sealed] = stored.split(".");
    if (version !== VERSION || !nonce || !tag || sealed === undefined) throw new Error("not a token sealed by this bot");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(nonce, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString("utf8");
  }
}
