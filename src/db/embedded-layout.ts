// Where the embedded PostgreSQL keeps its cluster and which binaries it runs: a pure decision,
// so it is tested without root. PostgreSQL refuses to run as root, so for root the server runs
// as an unprivileged `postgres` user, which must reach both the binaries and the cluster; a
// project under /root (mode 0700) or a `mktemp -d` folder is out of its reach. Root therefore
// keeps them in a folder of its own under /var/lib (or the system temp), one per project and
// PostgreSQL major version, reused across starts.
import { createHash } from "node:crypto";
import path from "node:path";

export interface EmbeddedLayout {
  /** The cluster (PGDATA). */
  readonly clusterDir: string;
  /** The superuser's password, kept beside the cluster. */
  readonly passwordFile: string;
  /** Where the server's binaries are copied to (root); null: run them where npm installed them. */
  readonly serverDir: string | null;
  /** The folder made for this project (root); null: the cluster's parent belongs to the project. */
  readonly projectStateDir: string | null;
  /** Who runs initdb and postgres. */
  readonly runAs: "current-user" | "postgres";
}

export interface LayoutInput {
  /** Whether this process runs as root (uid 0). */
  readonly isRoot: boolean;
  /** The data folder the project asked for, absolute (`<project>/.data/postgres`). */
  readonly dataDir: string;
  /** The embedded PostgreSQL's version, e.g. "18.4.0". */
  readonly pgVersion: string;
  /** For root: the folder that holds every project's folder (/var/lib/subtasks-bot). */
  readonly stateRoot: string;
}

export function pgMajorVersion(pgVersion: string): string {
  return pgVersion.split(".")[0]!;
}

export function embeddedLayout(input: LayoutInput): EmbeddedLayout {
  const dataDir = path.resolve(input.dataDir);
  if (!input.isRoot) {
    return { clusterDir: dataDir, passwordFile: `${dataDir}.password`, serverDir: null, projectStateDir: null, runAs: "current-user" };
  }
  const projectStateDir = path.join(input.stateRoot, projectFolderName(dataDir, input.pgVersion));
  return {
    clusterDir: path.join(projectStateDir, "postgres"),
    passwordFile: path.join(projectStateDir, "postgres.password"),
    serverDir: path.join(projectStateDir, "server"),
    projectStateDir,
    runAs: "postgres",
  };
}

/** "subtasks-bot-3f9a1c2b7d-pg18": readable, unique per data folder, one per major version. */
function projectFolderName(dataDir: string, pgVersion: string): string {
  const project = path.basename(path.dirname(path.dirname(dataDir))) || "project";
  const safe = project.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40);
  const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 10);
  return `${safe}-${hash}-pg${pgMajorVersion(pgVersion)}`;
}
