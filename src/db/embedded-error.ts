// Why the embedded PostgreSQL could not start, as one line that names the cause and the way
// out. main.ts and the CLI print it as it is and exit 1; nothing about it needs a stack trace.

export const USE_YOUR_OWN = "or set DATABASE_URL to use your own PostgreSQL";

export class EmbeddedDatabaseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmbeddedDatabaseError";
  }
}

/** What PostgreSQL said when it stopped, read for the causes an operator can act on. */
export type ServerFailure = "port-taken" | "disk-full" | "other-version" | "other";

export function classifyServerOutput(output: string): ServerFailure {
  if (/could not bind|address already in use/i.test(output)) return "port-taken";
  if (/no space left on device/i.test(output)) return "disk-full";
  if (/database files are incompatible with server/i.test(output)) return "other-version";
  return "other";
}

/** The last meaningful line PostgreSQL printed, for a cause nobody foresaw. */
export function lastLine(output: string): string {
  const lines = output.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return (lines.at(-1) ?? "no output").replace(/^\S+ \S+ \S+ \[\d+\] /, "");
}

/** A file-system error (mkdir, copy, write) on the way to starting the server. */
export function fileSystemFailure(error: unknown, what: string): EmbeddedDatabaseError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const file = (error as NodeJS.ErrnoException | null)?.path ?? what;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new EmbeddedDatabaseError(`embedded PostgreSQL: no space left on the disk of ${file}: free some space, ${USE_YOUR_OWN}`, { cause: error });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new EmbeddedDatabaseError(
      `embedded PostgreSQL: permission denied on ${file}: run the bot from a folder you own, ${USE_YOUR_OWN}`,
      { cause: error },
    );
  }
  if (code === "EROFS") {
    return new EmbeddedDatabaseError(`embedded PostgreSQL: ${file} is on a read-only file system: run the bot from a writable folder, ${USE_YOUR_OWN}`, { cause: error });
  }
  return null;
}

/** initdb or postgres could not be run at all (spawn failed): the crash this module exists to avoid. */
export function spawnFailure(error: NodeJS.ErrnoException, file: string): EmbeddedDatabaseError {
  const access = error.code === "EACCES" || error.code === "EPERM";
  return new EmbeddedDatabaseError(
    access
      ? `embedded PostgreSQL: cannot run ${file} (${error.code}: the user running PostgreSQL cannot reach it): run the bot from a folder you own, ${USE_YOUR_OWN}`
      : `embedded PostgreSQL: cannot run ${file} (${error.code ?? error.message}): run npm ci again, ${USE_YOUR_OWN}`,
    { cause: error },
  );
}
