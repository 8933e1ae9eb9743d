// The port a client of a rate-limited provider talks to: hold a slot for each call in flight,
// and say how the call went so the budget can shrink (refused) or grow back (succeeded). Where
// the slots are kept (PostgreSQL for every process sharing the database, or memory) is the
// adapter's business; the clients (the model client, the tracker clients) know only this.

/** How a call that held a slot ended. */
export type CallOutcome =
  /**
   * Answered: the budget may grow. `paceMs`: the least time between calls' starts that the
   * answer's rate-limit headers ask for from now on (0: full speed; see headroom.ts); unset when
   * the answer had no such headers.
   */
  | { readonly kind: "ok"; readonly paceMs?: number | undefined }
  /** Refused for load (429, 529): the budget shrinks, and nobody calls before retryAfterMs. */
  | { readonly kind: "refused"; readonly retryAfterMs?: number | undefined }
  /** Failed for another reason (a bad request, a timeout): says nothing about the limit. */
  | { readonly kind: "failed" };

export interface CallSlot {
  /** Gives the slot back; call it exactly once, when the response (or failure) is in. */
  release(outcome: CallOutcome): Promise<void>;
}

export interface CallBudget {
  /** Waits until a call may start (a free slot, no pause in force) and holds a slot for it. */
  acquire(): Promise<CallSlot>;
  /** Stops the budget's timers; slots still held are left to expire. */
  close(): Promise<void>;
}

/** How a call's result or error tells the budget how it went. */
export interface OutcomeReaders<T> {
  /** Default: `{ kind: "ok" }`. */
  readonly ofResult?: (result: T) => CallOutcome;
  readonly ofError: (error: unknown) => CallOutcome;
}

/** Holds a slot for `call`, releasing it with what the call's result or error says. */
export async function withSlot<T>(budget: CallBudget | undefined, call: () => Promise<T>, readers: OutcomeReaders<T>): Promise<T> {
  if (!budget) return call();
  const slot = await budget.acquire();
  let outcome: CallOutcome = { kind: "failed" };
  try {
    const result = await call();
    outcome = readers.ofResult?.(result) ?? { kind: "ok" };
    return result;
  } catch (error) {
    outcome = readers.ofError(error);
    throw error;
  } finally {
    await slot.release(outcome);
  }
}
