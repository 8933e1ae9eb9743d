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
  const connection = utcSessions(databaseUrl);
  const pool = new pg.Pool({ ...connection, max: options.max ?? 10 });
  // As many as the run intake has writers.
  const intakePool = new pg.Pool({ ...connection, max: 2 });
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

/**
 * Connection settings whose sessions run in UTC. The columns are timestamp(3) without a zone,
 * which Prisma writes and reads as UTC, while a statement's now() is written in the session's
 * zone: on a server set to another zone the two would disagree by hours. The zone goes with the
 * connection's start-up options, after any the URL has (pg would let the URL's replace ours).
 */
export function utcSessions(databaseUrl: string): { connectionString: string; options: string } {
  const url = new URL(databaseUrl);
  const own = url.searchParams.get("options");
  url.searchParams.delete("options");
  return { connectionString: url.toString(), options: [own, "-c TimeZone=UTC"].filter(Boolean).join(" ") };
}
