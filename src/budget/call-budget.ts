// The port a client of a rate-limited provider talks to: hold a slot for each call in flight,
// and say how the call went so the budget can shrink (refused) or grow back (succeeded). Where
// the slots are kept (PostgreSQL for every process sharing the database, or memory) is the
// adapter's business; the clients (the model client, the tracker clients) know only this.

/** How a call that held a slot ended. */
export type CallOutcome =
  /** Answered: the budget may grow. */
  | { readonly kind: "ok" }
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

/** Holds a slot for `call`, releasing it with what the call's result or error says. */
export async function withSlot<T>(budget: CallBudget | undefined, call: () => Promise<T>, outcomeOf: (error: unknown) => CallOutcome): Promise<T> {
  if (!budget) return call();
  const slot = await budget.acquire();
  let outcome: CallOutcome = { kind: "failed" };
  try {
    const result = await call();
    outcome = { kind: "ok" };
    return result;
  } catch (error) {
    outcome = outcomeOf(error);
    throw error;
  } finally {
    await slot.release(outcome);
  }
}
