import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type { PrismaClient } from "../generated/prisma/client.ts";

export interface Database {
  readonly url: string;
  readonly prisma: PrismaClient;
  /** The pool behind Prisma, for the few statements Prisma cannot express. */
  readonly pool: pg.Pool;
  /**
   * Connections kept apart for recording new runs: a person's /subtasks and a tracker's
   * delivery wait on this insert, and must never queue for a connection behind the queries of
   * runs in progress, which can hold every connection of `pool` at a burst.
   */
  readonly intakePool: pg.Pool;
  close(): Promise<void>;
}

export function openDatabase(databaseUrl: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  // As many as the run intake has writers.
  const intakePool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => undefined);
  intakePool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    url: databaseUrl,
    prisma,
    pool,
    intakePool,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await Promise.all([pool.end(), intakePool.end()]);
    },
  };
}
