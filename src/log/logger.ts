import { pino, type DestinationStream, type Logger } from "pino";
import { REDACTED, redactor, type Redact } from "./redact.ts";

export type { Logger } from "pino";

// Field names that hold credentials wherever they appear (headers, client options, configs).
const secretKeys = new Set(
  [
    "authorization",
    "cookie",
    "x-api-key",
    "x-slack-signature",
    "linear-signature",
    "x-hub-signature",
    "apikey",
    "apitoken",
    "bottoken",
    "apptoken",
    "signingsecret",
    "webhooksecret",
    "password",
    "token",
    "databaseurl",
    "connectionstring",
  ],
);

/**
 * One walk over what is logged, at any depth: a field whose name says it holds a credential is
 * censored, and every occurrence of a known secret value inside a string is replaced. (pino's
 * own path-based redact costs some 50 µs a line with wildcards at this depth; this costs a few.)
 */
function scrub(value: unknown, redact: Redact, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  // Errors keep message and stack in non-enumerable fields: serialise before scrubbing.
  if (value instanceof Error) return scrub(pino.stdSerializers.err(value), redact, depth + 1);
  if (Array.isArray(value)) return value.map((item) => scrub(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = secretKeys.has(key.toLowerCase()) && item !== undefined && item !== null ? REDACTED : scrub(item, redact, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  readonly level: string;
  /** Values that must never appear in a log line, whatever field carries them. */
  readonly secrets?: readonly string[];
  readonly destination?: DestinationStream;
}

/**
 * Structured JSON logs. Secrets are removed twice: by field name (pino's redact) and by
 * value, so a token echoed inside an error message or a URL never reaches the log either.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const redact = redactor(secrets);
  return pino(
    {
      level: options.level,
      base: { service: "subtasks-bot" },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      formatters: { log: (object) => scrub(object, redact) as Record<string, unknown> },
      hooks:
        secrets.length > 0
          ? {
              logMethod(args, method) {
                method.apply(this, args.map((arg) => (typeof arg === "string" ? redact(arg) : arg)) as Parameters<typeof method>);
              },
            }
          : {},
    },
    options.destination,
  );
}
