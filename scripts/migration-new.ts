// Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the
// committed migrations and prisma/schema.prisma (what `prisma migrate dev --create-only` does,
// without Prisma's native engine): migrations are applied to a scratch database with our
// migrator, then Prisma's WebAssembly engine diffs that database against the schema.
//   npm run migration:new -- <name>
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffDatabaseToSchema } from "../src/db/schema-diff.ts";
import { startEmbeddedPostgres } from "../src/db/embedded.ts";
import { migrate } from "../src/db/migrate.ts";
import { migrationsDir } from "../src/db/migrations.ts";
import { createScratchDatabase } from "../src/db/scratch-database.ts";
import { createLogger } from "../src/log/logger.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run migration:new -- <name>   (lowercase letters, digits and _)");
  process.exit(2);
}

const logger = createLogger({ level: "warn" });
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(".data/postgres", logger);
const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
const scratch = await createScratchDatabase(serverUrl, "migration_new");
let exitCode = 0;
try {
  await migrate(scratch.url, logger);
  const sql = await diffDatabaseToSchema(scratch.url);
  if (sql === "") {
    console.log("schema.prisma matches the migrations: nothing to create");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const folder = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, "migration.sql"), `${sql}\n`);
    console.log(`created ${path.relative(process.cwd(), folder)}/migration.sql`);
  }
} catch (error) {
  console.error((error as Error).message);
  exitCode = 1;
} finally {
  await scratch.drop();
  await embedded?.stop();
}
// The WebAssembly engine can leave a timer behind that keeps the process alive.
process.exit(exitCode);
