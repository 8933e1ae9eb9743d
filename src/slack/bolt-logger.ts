// Bolt and the Web API client log through @slack/logger's interface; this routes their lines
// into the service's pino logger (JSON, secrets scrubbed) instead of the console.
import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../log/logger.ts";

const levels: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
};

function line(parts: unknown[]): { msg: string; err?: unknown } {
  const err = parts.find((part) => part instanceof Error);
  const msg = parts
    .filter((part) => part !== err)
    .map((part) => (typeof part === "string" ? part : JSON.stringify(part)))
    .join(" ");
  return err ? { msg, err } : { msg };
}

export function slackLogger(logger: Logger, component: string): SlackLogger {
  let child = logger.child({ component });
  return {
    debug: (...parts) => {
      const { msg, err } = line(parts);
      child.debug(err ? { err } : {}, msg);
    },
    info: (...parts) => {
      const { msg, err } = line(parts);
      child.info(err ? { err } : {}, msg);
    },
    warn: (...parts) => {
      const { msg, err } = line(parts);
      child.warn(err ? { err } : {}, msg);
    },
    error: (...parts) => {
      const { msg, err } = line(parts);
      child.error(err ? { err } : {}, msg);
    },
    // The service's LOG_LEVEL governs; Bolt asking for another level changes nothing.
    setLevel: () => undefined,
    getLevel: () => levels[logger.level] ?? LogLevel.INFO,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
