// How a contract file lists behaviours and runs each on every implementation of the Tracker port.

import { afterEach, describe, expect, it } from "vitest";
import { fakeHarness } from "./fake-harness.ts";
import type { HarnessFactory, TrackerHarness } from "./harness.ts";
import { jiraHarness } from "./jira-harness.ts";
import { linearHarness } from "./linear-harness.ts";

/** FakeTracker, which most integration and end-to-end tests use, and both real adapters on played worlds. */
export const trackerHarnesses: readonly HarnessFactory[] = [fakeHarness("linear"), fakeHarness("jira"), linearHarness, jiraHarness];

export interface Behaviour {
  readonly name: string;
  /** Only where this holds: behaviours that differ by tracker say so, instead of being left out. */
  readonly where?: (factory: HarnessFactory) => boolean;
  /** The world it runs in; default: the factory's usual one. */
  readonly world?: (factory: HarnessFactory) => TrackerHarness;
  readonly check: (h: TrackerHarness) => Promise<void>;
}

/** What people do to what the bot made, by name for test names. */
export const personActs = [
  { act: "moved on", apply: (h: TrackerHarness, key: string) => h.person.moveOn(key) },
  { act: "took on", apply: (h: TrackerHarness, key: string) => h.person.assign(key) },
  { act: "edited", apply: (h: TrackerHarness, key: string) => h.person.edit(key) },
] as const;

/** A read that must fail with this error, naming the key it was asked for. */
export async function expectRejectionNaming(
  reading: Promise<unknown>,
  type: abstract new (...args: never[]) => Error & { readonly key: string },
  key: string,
): Promise<void> {
  const error = await reading.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(type);
  expect((error as { key: string }).key).toBe(key);
}

/** One describe per implementation; after each behaviour, the world must have answered every request. */
export function runContract(part: string, harnesses: readonly HarnessFactory[], behaviours: readonly Behaviour[]): void {
  for (const factory of harnesses) {
    describe(`the Tracker contract${part} on ${factory.label}`, () => {
      let h: TrackerHarness | undefined;
      afterEach(() => {
        if (!h) return;
        const unexpected = h.unexpected();
        h.stop();
        h = undefined;
        expect(unexpected).toEqual([]);
      });
      for (const behaviour of behaviours) {
        if (behaviour.where && !behaviour.where(factory)) continue;
        it(behaviour.name, () => {
          h = behaviour.world ? behaviour.world(factory) : factory.create();
          return behaviour.check(h);
        });
      }
    });
  }
}
