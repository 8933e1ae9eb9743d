// A CallBudget kept in PostgreSQL, so every process on the database shares it: a row per budget
// (its AIMD limit and any pause a retry-after asked for) and a lease row per call in flight. A
// lease expires unless its holder renews it, so the slots of a killed process come free within
// one lease time. A pause (a retry-after) holds every process until it ends; a pace (the least
// time between calls' starts, from the provider's rate-limit headers) spaces the calls of every
// process. Times are the database's clock, the one clock every process agrees on.
//
// One loop per process asks the database for slots in its callers' order; it waits for a local
// release, the end of a pause, or a short poll (a slot freed by another process), whichever
// comes first.
import { hostname } from "node:os";
import type pg from "pg";
import { inTransaction } from "../db/in-transaction.ts";
import type { Logger } from "../log/logger.ts";
import { afterRefusal, afterSuccess, slotsOf, type AimdState } from "./aimd.ts";
import type { CallBudget, CallOutcome, CallSlot } from "./call-budget.ts";

export interface PgCallBudgetOptions {
  readonly pool: pg.Pool;
  /** Which budget: "anthropic", or a tracker workspace such as "linear:<organization>". */
  readonly name: string;
  /** The most calls in flight across every process (the AIMD limit never grows above it). */
  readonly ceiling: number;
  readonly logger: Logger;
  /** How long a lease lives without renewal; default 30 s. Renewed every third of it. */
  readonly leaseTtlMs?: number;
  /** How often a waiting process asks again for a slot another process may have freed; default 100 ms. */
  readonly pollMs?: number;
}

interface Attempt {
  /** The lease taken, or null when the caller must wait `waitMs`. */
  readonly lease: { id: string; acquiredAt: number } | null;
  readonly waitMs: number;
}

interface Waiter {
  resolve(slot: CallSlot): void;
  reject(error: unknown): void;
}

const msOf = (column: string) => `(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;

const SELECT_BUDGET = `SELECT "limit", "paceMs", ${msOf('"shrunkAt"')} AS "shrunkAt", ${msOf("clock_timestamp()")} AS now,
  GREATEST(0, ${msOf('"pausedUntil"')} - ${msOf("clock_timestamp()")}) AS "pausedForMs"
  FROM "CallBudget" WHERE name = $1 FOR UPDATE`;
const INSERT_BUDGET = `INSERT INTO "CallBudget" (name, "limit") VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`;
// One statement, run while the transaction holds the budget's row: expired leases go, a lease is
// taken when fewer than $4 live ones are held, and when paced the next call, in any process,
// starts no sooner than one pace after this one. The statement's parts see one snapshot, taken
// after the row lock was granted, hence the expiry filter in the count.
const TAKE_LEASE = `WITH expired AS (DELETE FROM "CallLease" WHERE budget = $1 AND "expiresAt" <= clock_timestamp()),
  live AS (SELECT count(*)::int AS held FROM "CallLease" WHERE budget = $1 AND "expiresAt" > clock_timestamp()),
  lease AS (INSERT INTO "CallLease" (id, budget, holder, "acquiredAt", "expiresAt")
    SELECT gen_random_uuid(), $1, $2, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond' FROM live WHERE live.held < $4
    RETURNING id, ${msOf('"acquiredAt"')} AS "acquiredAt"),
  paced AS (UPDATE "CallBudget" SET "pausedUntil" = GREATEST("pausedUntil", clock_timestamp() + "paceMs" * interval '1 millisecond')
    WHERE name = $1 AND "paceMs" > 0 AND EXISTS (SELECT 1 FROM lease))
  SELECT id, "acquiredAt" FROM lease`;
const DELETE_LEASE = `DELETE FROM "CallLease" WHERE id = $1`;
const RENEW_LEASES = `UPDATE "CallLease" SET "expiresAt" = clock_timestamp() + $2 * interval '1 millisecond' WHERE id = ANY($1::uuid[])`;
// The budget's new state and the lease given back, in one statement.
const UPDATE_BUDGET_GIVE_BACK = `WITH given AS (DELETE FROM "CallLease" WHERE id = $6)
  UPDATE "CallBudget" SET "limit" = $2, "shrunkAt" = to_timestamp($3 / 1000.0),
  "pausedUntil" = GREATEST("pausedUntil", clock_timestamp() + $4 * interval '1 millisecond'), "paceMs" = COALESCE($5, "paceMs") WHERE name = $1`;

interface BudgetRow {
  limit: number;
  paceMs: number;
  shrunkAt: number | null;
  now: number;
  pausedForMs: number | null;
}

/** The budget's row, locked until the transaction ends; created at the ceiling when missing. */
async function lockBudget(client: pg.PoolClient, name: string, ceiling: number): Promise<BudgetRow> {
  const found = await client.query<BudgetRow>(SELECT_BUDGET, [name]);
  if (found.rows[0]) return found.rows[0];
  await client.query(INSERT_BUDGET, [name, ceiling]);
  return (await client.query<BudgetRow>(SELECT_BUDGET, [name])).rows[0]!;
}

/** A slot the database never recorded: nothing to give back. */
const UNCOUNTED_SLOT: CallSlot = { release: async () => undefined };

export function createPgCallBudget(options: PgCallBudgetOptions): CallBudget {
  const { pool, name, ceiling, logger } = options;
  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const pollMs = options.pollMs ?? 100;
  const holder = `${hostname()}:${process.pid}`;
  const held = new Set<string>();
  const waiters: Waiter[] = [];
  let pumping = false;
  let wake: (() => void) | null = null;
  let closed = false;
  // The limit and pace as last read: a success at the ceiling that leaves the pace as it is needs no write.
  let lastLimit = ceiling;
  let lastPaceMs = 0;

  const renewTimer = setInterval(() => {
    if (held.size === 0) return;
    pool.query(RENEW_LEASES, [[...held], leaseTtlMs]).catch((error: unknown) => logger.warn({ err: error, budget: name }, "call budget: leases not renewed"));
  }, Math.max(1, Math.floor(leaseTtlMs / 3)));
  renewTimer.unref();

  async function tryAcquire(): Promise<Attempt> {
    return inTransaction(pool, async (client) => {
      const budget = await lockBudget(client, name, ceiling);
      lastLimit = budget.limit;
      lastPaceMs = budget.paceMs;
      if (budget.pausedForMs !== null && budget.pausedForMs > 0) return { lease: null, waitMs: budget.pausedForMs };
      const lease = (await client.query<{ id: string; acquiredAt: number }>(TAKE_LEASE, [name, holder, leaseTtlMs, slotsOf(budget, ceiling)])).rows[0];
      return lease ? { lease, waitMs: 0 } : { lease: null, waitMs: pollMs };
    });
  }

  /**
   * Gives the lease back and, when the outcome changes the budget, adjusts it in the same
   * transaction: a new pace is in force before the freed slot can be taken.
   */
  async function giveBack(leaseId: string, acquiredAt: number, outcome: CallOutcome): Promise<void> {
    const paceMs = outcome.kind === "ok" ? outcome.paceMs : undefined;
    const paceChanged = paceMs !== undefined && paceMs !== lastPaceMs;
    if (outcome.kind === "failed" || (outcome.kind === "ok" && lastLimit >= ceiling && !paceChanged)) {
      await pool.query(DELETE_LEASE, [leaseId]);
      return;
    }
    await inTransaction(pool, async (client) => {
      const budget = await lockBudget(client, name, ceiling);
      const state: AimdState = { limit: budget.limit, shrunkAt: budget.shrunkAt };
      const next = outcome.kind === "ok" ? afterSuccess(state, ceiling) : afterRefusal(state, acquiredAt, budget.now);
      const pauseMs = outcome.kind === "refused" ? (outcome.retryAfterMs ?? 0) : 0;
      await client.query(UPDATE_BUDGET_GIVE_BACK, [name, next.limit, next.shrunkAt, pauseMs, paceMs ?? null, leaseId]);
      lastLimit = next.limit;
      if (paceMs !== undefined) lastPaceMs = paceMs;
      if (next.limit < state.limit) logger.info({ budget: name, limit: next.limit, retryAfterMs: pauseMs }, "call budget shrunk after a refusal");
      else if (paceChanged) logger.debug({ budget: name, paceMs }, "call budget pace set from the provider's rate-limit headers");
    });
  }

  function slotFor(lease: { id: string; acquiredAt: number }): CallSlot {
    held.add(lease.id);
    let released = false;
    return {
      async release(outcome) {
        if (released) return;
        released = true;
        held.delete(lease.id);
        try {
          await giveBack(lease.id, lease.acquiredAt, outcome);
        } catch (error) {
          // The lease expires by itself; the call's own result matters more than this bookkeeping.
          logger.warn({ err: error, budget: name }, "call budget: slot not given back");
        } finally {
          wake?.();
        }
      },
    };
  }

  function waitFor(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (waiters.length > 0 && !closed) {
        let attempt: Attempt;
        try {
          attempt = await tryAcquire();
        } catch (error) {
          // The database did not answer (a dropped connection, a failover): the budget is there
          // to be polite to the provider, not to stop work, so this call goes without a slot.
          logger.warn({ err: error, budget: name }, "call budget unavailable: calling without a slot");
          waiters.shift()!.resolve(UNCOUNTED_SLOT);
          continue;
        }
        if (attempt.lease) waiters.shift()!.resolve(slotFor(attempt.lease));
        else await waitFor(attempt.waitMs);
      }
    } finally {
      pumping = false;
    }
  }

  return {
    acquire() {
      if (closed) return Promise.reject(new Error(`call budget ${name} is closed`));
      return new Promise<CallSlot>((resolve, reject) => {
        waiters.push({ resolve, reject });
        void pump();
      });
    },
    async close() {
      closed = true;
      clearInterval(renewTimer);
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`call budget ${name} is closed`));
      wake?.();
    },
  };
}
