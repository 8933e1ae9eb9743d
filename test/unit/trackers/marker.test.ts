import { describe, expect, it } from "vitest";
import { adfToMarkdown } from "../../../src/trackers/jira/adf-to-markdown.ts";
import { toAdf } from "../../../src/trackers/jira/markdown-to-adf.ts";
import {
  appendMarker,
  BOT_LABEL,
  contentHash,
  formatMarkerLine,
  inspectChild,
  readMarker,
  stripMarker,
} from "../../../src/trackers/marker.ts";

const marker = { runId: "7f3e2a10-5c1b-4f0e-9d3a-2b8c6e1f4a90", code: "ST3" };
const title = "Add the export button";
const description = "A button on the orders page.\n\n1. Click it\n1. Get a CSV\n\nSee [the spec](https://acme.example/spec).";

describe("the marker every bot-made sub-issue carries", () => {
  it("is a visible footer line with the run id, the code and a hash of what the bot wrote", () => {
    const written = appendMarker(title, description, marker);
    const hash = contentHash(title, description);
    expect(hash).toMatch(/^[0-9a-f]{8}$/);
    expect(written).toBe(`${description}\n\n---\n\nCreated by subtasks-bot · run ${marker.runId} · ST3 · ref sb1-${hash}`);
    expect(formatMarkerLine(marker, hash)).toBe(written.split("\n").at(-1));
    expect(BOT_LABEL).toBe("subtasks-bot");
  });

  it("is read back with its run id, code and hash", () => {
    expect(readMarker(appendMarker(title, description, marker))).toEqual({ ...marker, hash: contentHash(title, description) });
  });

  it("is read back after a markdown round trip that escapes and italicises it", () => {
    const hash = contentHash(title, description);
    for (const line of [
      `*Created by subtasks\\-bot · run ${marker.runId} · ST3 · ref sb1-${hash}*`,
      `_Created by subtasks-bot · run ${marker.runId} · ST3 · ref sb1-${hash}_`,
      `**Created by subtasks-bot** • run ${marker.runId} | ST3 | ref sb1-${hash}`,
      `created by SUBTASKS-BOT · run ${marker.runId} · ST3 · ref sb1-${hash.toUpperCase()}`,
    ]) {
      expect(readMarker(`Some text\n\n${line}`)).toEqual({ ...marker, hash });
    }
  });

  it("survives markdown → ADF → markdown (Jira) with an unchanged hash", () => {
    const written = appendMarker(title, description, marker);
    const readBack = adfToMarkdown(toAdf(written));
    const parsed = readMarker(readBack);
    expect(parsed).toEqual({ ...marker, hash: contentHash(title, description) });
    expect(contentHash(title, stripMarker(readBack))).toBe(parsed?.hash);
  });

  it("is absent from a person's description", () => {
    expect(readMarker("Created by Dana, run the tests first")).toBeNull();
    expect(readMarker("")).toBeNull();
    expect(readMarker(null)).toBeNull();
  });

  it("is stripped with the rule above it, leaving what the hash was taken of", () => {
    expect(stripMarker(appendMarker(title, description, marker))).toBe(description);
    expect(stripMarker("no footer here\n")).toBe("no footer here");
  });

  it("the hash ignores formatting a tracker rewrites but not a change of words", () => {
    const reformatted = "A button on the *orders* page.\n\n1. Click it\n2. Get a CSV\n\nSee [the spec](https://other.example/moved).";
    expect(contentHash(title, reformatted)).toBe(contentHash(title, description));
    expect(contentHash(title, description.replace("CSV", "PDF"))).not.toBe(contentHash(title, description));
    expect(contentHash("Add the import button", description)).not.toBe(contentHash(title, description));
  });
});

describe("inspectChild tells the bot's children from a person's, and whether a person touched them", () => {
  const written = appendMarker(title, description, marker);
  const untouched = { title, description: written, labels: [BOT_LABEL], stateMovedOn: false, assigned: false };

  it("a bot-made child nobody touched", () => {
    expect(inspectChild(untouched)).toEqual({ createdByBot: true, marker, touchedByPerson: false });
  });

  it("a bot-made child whose state moved on was touched by a person", () => {
    expect(inspectChild({ ...untouched, stateMovedOn: true }).touchedByPerson).toBe(true);
  });

  it("a bot-made child with an assignee was touched by a person", () => {
    expect(inspectChild({ ...untouched, assigned: true }).touchedByPerson).toBe(true);
  });

  it("a bot-made child whose text was edited was touched by a person", () => {
    expect(inspectChild({ ...untouched, description: written.replace("orders page", "invoices page") }).touchedByPerson).toBe(true);
    expect(inspectChild({ ...untouched, title: "Add an export link" }).touchedByPerson).toBe(true);
  });

  it("a child whose bot label was removed is still the bot's, by its footer", () => {
    expect(inspectChild({ ...untouched, labels: [] })).toEqual({ createdByBot: true, marker, touchedByPerson: false });
  });

  it("a labelled child whose footer was removed is the bot's and counts as edited", () => {
    expect(inspectChild({ ...untouched, description: description })).toEqual({
      createdByBot: true,
      marker: null,
      touchedByPerson: true,
    });
  });

  it("a child without label or footer is a person's own", () => {
    expect(inspectChild({ ...untouched, description: "Ask Dana.", labels: ["backend"] })).toEqual({
      createdByBot: false,
      marker: null,
      touchedByPerson: true,
    });
  });
});
