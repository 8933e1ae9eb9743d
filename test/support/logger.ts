import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/log/logger.ts";

export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  text(): string;
}

/** A real logger whose output is kept in memory, to assert on what reaches the log. */
export function captureLogger(level = "trace", secrets: readonly string[] = []): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level, secrets, destination });
  const text = () => chunks.join("");
  return {
    logger,
    text,
    lines: () => text().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export const silentLogger: Logger = createLogger({ level: "silent" });
