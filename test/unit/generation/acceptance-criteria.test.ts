import { describe, expect, it } from "vitest";
import { parseAcceptanceCriteria } from "../../../src/generation/acceptance-criteria.ts";

describe("acceptance criteria stated in a description", () => {
  it("are the bullets under a markdown heading, up to the next heading of the same level", () => {
    const description = [
      "Customers want to pay with a discount code.",
      "",
      "## Acceptance criteria",
      "",
      "- A customer can apply a code",
      "* An expired code shows an error",
      "+ The discount appears as its own line",
      "",
      "## Notes",
      "",
      "- Stripe is unchanged",
    ].join("\n");
    expect(parseAcceptanceCriteria(description)).toEqual([
      "A customer can apply a code",
      "An expired code shows an error",
      "The discount appears as its own line",
    ]);
  });

  it("keep sub-headings and deeper levels inside the section", () => {
    const description = ["# Story", "## AC", "### Web", "1. Works in Chrome", "### Mobile", "2) Works in Safari", "# Rollout", "- later"].join("\n");
    expect(parseAcceptanceCriteria(description)).toEqual(["Works in Chrome", "Works in Safari"]);
  });

  it("are the numbered items under a bold line, with wrapped lines joined to their item", () => {
    const description = [
      "**Acceptance Criteria:**",
      "1. The export contains one row per invoice",
      "   with the filters applied",
      "2. AC2: Amounts use two decimals",
      "",
      "Some closing remark.",
    ].join("\n");
    expect(parseAcceptanceCriteria(description)).toEqual([
      "The export contains one row per invoice with the filters applied",
      "Amounts use two decimals",
    ]);
  });

  it("are the checkboxes of a Definition of done, ticked or not", () => {
    const description = "Intro\n\n**Definition of done**\n- [ ] Documented in the README\n- [x] Reviewed by security\n[ ] Released behind a flag";
    expect(parseAcceptanceCriteria(description)).toEqual(["Documented in the README", "Reviewed by security", "Released behind a flag"]);
  });

  it("are found under a German heading", () => {
    const description = "Beschreibung.\n\n### Akzeptanzkriterien\n\n- Der Button „PDF herunterladen“ ist sichtbar\n- Das PDF wird gespeichert";
    expect(parseAcceptanceCriteria(description)).toEqual(["Der Button „PDF herunterladen“ ist sichtbar", "Das PDF wird gespeichert"]);
  });

  it("are found under a French heading written with or without accents and typographic apostrophes", () => {
    expect(parseAcceptanceCriteria("**Critères d’acceptation :**\n- La checklist s'affiche")).toEqual(["La checklist s'affiche"]);
    expect(parseAcceptanceCriteria("## Criteres d'acceptation\n- Elle disparaît après 14 jours")).toEqual(["Elle disparaît après 14 jours"]);
  });

  it("are found under a plain 'Acceptance criteria:' line, as in plain-text Jira descriptions", () => {
    const description = "Retry webhooks.\n\nAcceptance criteria:\n- Retried at 1 min\n- 4xx not retried\n\nNotes:\nnothing";
    expect(parseAcceptanceCriteria(description)).toEqual(["Retried at 1 min", "4xx not retried"]);
  });

  it("are found under Jira wiki headings", () => {
    expect(parseAcceptanceCriteria("h2. Acceptance Criteria\n* Logs are kept 30 days\nh2. Other\n* no")).toEqual(["Logs are kept 30 days"]);
  });

  it("are one per Gherkin scenario, steps in order", () => {
    const description = [
      "## AC",
      "Scenario: locked account",
      "Given an account with 5 failed logins",
      "When another login is attempted",
      "Then the API answers 429",
      "And the password is not checked",
      "",
      "Given an IP with 50 failed logins",
      "When a login from it is attempted",
      "Then the API answers 429",
    ].join("\n");
    expect(parseAcceptanceCriteria(description)).toEqual([
      "locked account: Given an account with 5 failed logins; When another login is attempted; Then the API answers 429; And the password is not checked",
      "Given an IP with 50 failed logins; When a login from it is attempted; Then the API answers 429",
    ]);
  });

  it("keep bullets that merely start with 'When' as criteria of their own", () => {
    const description = "## Acceptance criteria\n- When the user saves, the draft is kept\n- When the user leaves, a warning shows";
    expect(parseAcceptanceCriteria(description)).toEqual(["When the user saves, the draft is kept", "When the user leaves, a warning shows"]);
  });

  it("start a new scenario at a When that follows a Then", () => {
    const description = "## AC\nWhen I search for 'shoe'\nThen I see shoes\nWhen I search for ''\nThen I see nothing";
    expect(parseAcceptanceCriteria(description)).toEqual(["When I search for 'shoe'; Then I see shoes", "When I search for ''; Then I see nothing"]);
  });

  it("are complete Gherkin scenarios anywhere when no section names them", () => {
    const description = [
      "When the user saves, we currently lose the draft.",
      "",
      "Given a draft with unsaved changes",
      "When the user closes the tab",
      "Then the browser asks to confirm",
    ].join("\n");
    expect(parseAcceptanceCriteria(description)).toEqual([
      "Given a draft with unsaved changes; When the user closes the tab; Then the browser asks to confirm",
    ]);
  });

  it("are the lines of a section that holds prose only", () => {
    expect(parseAcceptanceCriteria("### Acceptance criteria\nThe page loads in under 2 s.\nIt works offline.")).toEqual([
      "The page loads in under 2 s.",
      "It works offline.",
    ]);
  });

  it("ignore headings inside code blocks and sections whose title only starts like one", () => {
    const description = ["```md", "## Acceptance criteria", "- not real", "```", "## Access control", "- admins only", "## ACME integration", "- later"].join("\n");
    expect(parseAcceptanceCriteria(description)).toEqual([]);
  });

  it("are none for a description without them", () => {
    expect(parseAcceptanceCriteria("Export the invoices list as CSV.\n\n- columns: number, date")).toEqual([]);
    expect(parseAcceptanceCriteria("")).toEqual([]);
  });

  it("are listed once when a description repeats one", () => {
    expect(parseAcceptanceCriteria("## AC\n- Works\n- Works\n")).toEqual(["Works"]);
  });
});
