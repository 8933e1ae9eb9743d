import type { Config } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded.ts";
import { migrate } from "./migrate.ts";
import { openDatabase, type Database } from "./prisma.ts";

export const EMBEDDED_DATA_DIR = ".data/postgres";

export interface RuntimeDatabase {
  readonly db: Database;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * The database a process (the bot, the CLI) works on: DATABASE_URL's, or an embedded
 * PostgreSQL under ./.data when it is unset; pending migrations applied either way. `poolSize`:
 * the shared pool's connections (default 10).
 */
export async function openRuntimeDatabase(config: Pick<Config, "databaseUrl">, logger: Logger, poolSize?: number): Promise<RuntimeDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  try {
    if (!config.databaseUrl) embedded = await startEmbeddedPostgres(EMBEDDED_DATA_DIR, logger);
    const url = config.databaseUrl ?? embedded!.url;
    await migrate(url, logger);
    const db = openDatabase(url, poolSize === undefined ? {} : { max: poolSize });
    return {
      db,
      embedded: embedded !== undefined,
      async close() {
        await db.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
