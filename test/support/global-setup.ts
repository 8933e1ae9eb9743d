// Once per `npm test`: find a PostgreSQL server (DATABASE_URL, or an embedded one on a fresh
// machine), create this run's template database with every migration applied, and hand both
// to the test files, which clone the template into a database of their own.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/embedded.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createScratchDatabase, type ScratchDatabase } from "../../src/db/scratch-database.ts";
import { createLogger } from "../../src/log/logger.ts";

declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
    templateDatabase: string;
    runPrefix: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let embeddedDir: string | undefined;
let template: ScratchDatabase | undefined;
let serverUrl: string | undefined;
let runPrefix: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const logger = createLogger({ level: "warn" });
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    embeddedDir = await mkdtemp(path.join(tmpdir(), "subtasks-bot-test-"));
    embedded = await startEmbeddedPostgres(path.join(embeddedDir, "postgres"), logger);
    serverUrl = embedded.url;
  }
  runPrefix = `stb_${randomBytes(3).toString("hex")}`;
  template = await createScratchDatabase(serverUrl, `${runPrefix}_template`);
  await migrate(template.url, logger);
  project.provide("serverUrl", serverUrl);
  project.provide("templateDatabase", template.name);
  project.provide("runPrefix", runPrefix);
}

export async function teardown(): Promise<void> {
  try {
    if (serverUrl && runPrefix) await dropRunDatabases(serverUrl, runPrefix);
  } finally {
    await embedded?.destroy();
    if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
  }
}

async function dropRunDatabases(serverUrl: string, runPrefix: string): Promise<void> {
  // Drop every database this run created, including those of files that failed midway.
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${runPrefix}\\_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
