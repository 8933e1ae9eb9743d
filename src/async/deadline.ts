// Waiting on a promise for a bounded time. The work itself is never cancelled: a caller that
// stops waiting decides what becomes of its outcome.

export type Settled<T> = { readonly inTime: true; readonly value: T } | { readonly inTime: false };

/** The promise's value if it settles within `ms`; `{ inTime: false }` otherwise (a rejection in time rejects). */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled<T>>((resolve) => (timer = setTimeout(() => resolve({ inTime: false }), ms)));
  try {
    return await Promise.race([promise.then((value): Settled<T> => ({ inTime: true, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects with `timedOut()` when the promise has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  const settled = await settleWithin(promise, ms);
  if (!settled.inTime) throw timedOut();
  return settled.value;
}
