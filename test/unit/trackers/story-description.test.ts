import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAcceptanceCriteria } from "../../../src/generation/acceptance-criteria.ts";
import { appendMarker, inspectChild } from "../../../src/trackers/marker.ts";
import { withAcceptanceCriteria } from "../../../src/trackers/story-description.ts";

const marker = { runId: "5f0c8a2e-1b3d-4e6f-8a9b-0c1d2e3f4a5b", code: "S2" };

describe("a story's description with its acceptance criteria", () => {
  it("reads back, with the bot's footer after it, as exactly the criteria written", () => {
    const criteria = ["Given a buyer with a business account, when they check out, then invoice is offered", "The invoice is sent by email"];
    const description = appendMarker(
      "Pay by invoice",
      withAcceptanceCriteria("As a buyer I want to pay by invoice.\n\n- not above the credit limit", criteria),
      marker,
    );
    expect(description).toContain("## Acceptance criteria\n\n- Given a buyer");
    expect(parseAcceptanceCriteria(description)).toEqual(criteria);
  });

  it("keeps the footer's hash true, so an untouched story reads as untouched", () => {
    const description = appendMarker("Pay by invoice", withAcceptanceCriteria("Why it matters.", ["Invoices are due in 30 days"]), marker);
    expect(inspectChild({ title: "Pay by invoice", description, labels: [], stateMovedOn: false, assigned: false })).toEqual({
      createdByBot: true,
      marker,
      touchedByPerson: false,
    });
  });

  it("is the description alone when there are no criteria", () => {
    expect(withAcceptanceCriteria("Why it matters.\n", [])).toBe("Why it matters.");
    expect(withAcceptanceCriteria("", ["One"])).toBe("## Acceptance criteria\n\n- One");
  });

  it("gives back any set of one-line criteria unchanged", () => {
    const criterion = fc
      .stringMatching(/^[A-Za-z][A-Za-z0-9 ,]{0,40}[a-z0-9]$/)
      .filter((text) => !/^(given|when|then|and|but|scenario)\b/i.test(text) && !/^ac[\s-]?\d/i.test(text));
    fc.assert(
      fc.property(fc.uniqueArray(criterion, { minLength: 1, maxLength: 6, selector: (text) => text.replace(/\s+/g, " ") }), (criteria) => {
        const written = criteria.map((text) => text.replace(/\s+/g, " "));
        expect(parseAcceptanceCriteria(appendMarker("T", withAcceptanceCriteria("Body.", written), marker))).toEqual(written);
      }),
    );
  });
});
