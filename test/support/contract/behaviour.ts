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
