// Known secret values cut out of text: the one rule the logger and the run store share, so a
// credential a provider echoes in an error message reaches neither a log line nor the error a
// story or run records (which Slack and the tracker comments show).

export const REDACTED = "[redacted]";

/** Short values could match ordinary text; real credentials are longer than this. */
const MIN_SECRET_LENGTH = 6;

export type Redact = (text: string) => string;

/** Replaces every occurrence of each secret in a text with "[redacted]". */
export function redactor(secrets: readonly string[]): Redact {
  const known = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  return (text) => {
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
}

/** Redacts nothing: for a process that holds no secrets (tests, tools). */
export const redactNothing: Redact = (text) => text;
