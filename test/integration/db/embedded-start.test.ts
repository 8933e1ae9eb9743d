// `npm start` without DATABASE_URL, from a private (0700) folder, for real: the bot's own entry
// in a child process, as root and as a plain user, until /readyz answers. Slow (initdb, a
// PostgreSQL start and every migration per case), so only the cases the issue names.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmod, copyFile, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../src/db/embedded.ts";

const main = fileURLToPath(new URL("../../../src/main.ts", import.meta.url));
const isRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

async function privateFolder(owner?: { uid: number; gid: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "subtasks-private-"));
  if (owner) await chown(dir, owner.uid, owner.gid);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  return dir;
}

/** The bot's entry (what `npm start` runs) in `cwd`, without DATABASE_URL. */
async function startBot(cwd: string, options: { node?: string; as?: { uid: number; gid: number } } = {}): Promise<Started> {
  const port = await freePort();
  const child = spawn(options.node ?? process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", main], {
    cwd,
    env: { PATH: process.env.PATH ?? "", PORT: String(port), LOG_LEVEL: "info", HOME: cwd },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.as ?? {}),
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  });
  return { child, port, output: () => output, exited };
}

async function waitReady(bot: Started): Promise<void> {
  for (let waited = 0; waited < 90_000; waited += 250) {
    if (bot.child.exitCode !== null) throw new Error(`the bot exited with ${bot.child.exitCode}:\n${bot.output()}`);
    const response = await fetch(`http://127.0.0.1:${bot.port}/readyz`).catch(() => null);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`/readyz never answered 200:\n${bot.output()}`);
}

async function stopBot(bot: Started): Promise<number | null> {
  bot.child.kill("SIGTERM");
  return bot.exited;
}

/** A copy of this Node that a plain user can run: the provisioned one may sit under /root (0700). */
async function nodeForAnyone(): Promise<string> {
  const nodeDir = await mkdtemp(path.join(tmpdir(), "subtasks-node-"));
  cleanups.push(() => rm(nodeDir, { recursive: true, force: true }));
  await copyFile(process.execPath, path.join(nodeDir, "node"));
  await chmod(nodeDir, 0o755);
  return path.join(nodeDir, "node");
}

function clusterDirOf(output: string): string {
  const line = output.split("\n").find((text) => text.includes('"embedded PostgreSQL started"'));
  return (JSON.parse(line!) as { dataDir: string }).dataDir;
}

describe("npm start without DATABASE_URL, from a 0700 folder", () => {
  it.runIf(isRoot)("as root: the cluster and a copy of the server live under the state folder, owned and moded for the postgres user, reused on the next start", { timeout: 180_000 }, async () => {
    const folder = await privateFolder();
    // A cluster root made in the project before it got a folder of its own: kept, and named.
    await mkdir(path.join(folder, ".data", "postgres"), { recursive: true });
    await writeFile(path.join(folder, ".data", "postgres", "PG_VERSION"), "18\n");
    const first = await startBot(folder);
    await waitReady(first);
    expect(first.output()).toContain(`a cluster from an earlier start is in ${path.join(folder, ".data", "postgres")}`);
    const clusterDir = clusterDirOf(first.output());
    const projectDir = path.dirname(clusterDir);
    cleanups.push(() => rm(projectDir, { recursive: true, force: true }));
    expect(await stopBot(first)).toBe(0);

    expect(clusterDir.startsWith(folder)).toBe(false);
    expect(path.basename(projectDir)).toMatch(/-pg\d+$/);
    const postgresUid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout);
    const cluster = await stat(clusterDir);
    expect([cluster.uid, cluster.mode & 0o777]).toEqual([postgresUid, 0o700]);
    const server = await stat(path.join(projectDir, "server", "bin", "postgres"));
    expect([server.uid, server.mode & 0o777]).toEqual([0, 0o755]);
    const password = await stat(path.join(projectDir, "postgres.password"));
    expect([password.uid, password.mode & 0o777]).toEqual([0, 0o600]);
    const again = await startBot(folder);
    await waitReady(again);
    expect(clusterDirOf(again.output())).toBe(clusterDir);
    expect(again.output()).not.toContain("initialising embedded PostgreSQL");
    expect(await stopBot(again)).toBe(0);
  });

  it.runIf(isRoot)("as a plain user (nobody): the cluster stays in ./.data/postgres of the folder", { timeout: 180_000 }, async () => {
    const folder = await privateFolder(NOBODY);
    const bot = await startBot(folder, { node: await nodeForAnyone(), as: NOBODY });
    await waitReady(bot);
    expect(clusterDirOf(bot.output())).toBe(path.join(folder, ".data", "postgres"));
    const cluster = await stat(path.join(folder, ".data", "postgres"));
    expect([cluster.uid, cluster.mode & 0o777]).toEqual([NOBODY.uid, 0o700]);
    expect(await stopBot(bot)).toBe(0);
  });

  it.runIf(!isRoot)("as the current (plain) user: the cluster stays in ./.data/postgres of the folder", { timeout: 180_000 }, async () => {
    const folder = await privateFolder();
    const bot = await startBot(folder);
    await waitReady(bot);
    expect(clusterDirOf(bot.output())).toBe(path.join(folder, ".data", "postgres"));
    expect(await stopBot(bot)).toBe(0);
  });

  it("a cluster from another PostgreSQL version ends with one line naming the cause and the way out, exit code 1", { timeout: 60_000 }, async () => {
    const folder = await privateFolder(isRoot ? NOBODY : undefined);
    const clusterDir = path.join(folder, ".data", "postgres");
    await mkdir(clusterDir, { recursive: true });
    await writeFile(path.join(clusterDir, "PG_VERSION"), "9.6\n");
    if (isRoot) for (const dir of [path.join(folder, ".data"), clusterDir]) await chown(dir, NOBODY.uid, NOBODY.gid);
    const bot = await startBot(folder, isRoot ? { node: await nodeForAnyone(), as: NOBODY } : {});
    expect(await bot.exited).toBe(1);
    const lines = bot.output().trim().split("\n").filter((line) => !line.startsWith("{"));
    expect(lines).toEqual([
      expect.stringMatching(/^embedded PostgreSQL: the cluster in .*\/\.data\/postgres was made by PostgreSQL 9\.6 and this is PostgreSQL \d+: move that folder away .* or set DATABASE_URL to use your own PostgreSQL$/),
    ]);
    expect(await readFile(path.join(clusterDir, "PG_VERSION"), "utf8")).toBe("9.6\n");
  });
});
