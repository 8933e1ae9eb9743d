// The pure parsers under fast-check: whatever a person types, a tracker stores or the model
// answers, each parser returns its documented result or its documented refusal, never a crash,
// and what ends up in Slack is escaped.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAcceptanceCriteria } from "../../../src/generation/acceptance-criteria.ts";
import { parseAnswer } from "../../../src/generation/parse-answer.ts";
import { MAX_REFS_PER_COMMAND, parseCommand } from "../../../src/slack/command-grammar.ts";
import { escapeMrkdwn, inlineText } from "../../../src/slack/mrkdwn.ts";
import { BadReference } from "../../../src/trackers/errors.ts";
import { adfToMarkdown } from "../../../src/trackers/jira/adf-to-markdown.ts";
import { parseRef, type ParseRefOptions } from "../../../src/trackers/parse-ref.ts";

const RUNS = { numRuns: 2_000 };
const options: ParseRefOptions = { configured: ["linear", "jira"], defaultTracker: "linear", siteUrls: { jira: "https://acme.atlassian.net" } };

/** Text a person could type: pieces of the grammar (keys, links, options, quotes) among any text. */
const commandText = fc
  .array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.stringMatching(/^[A-Z]{1,5}-[0-9]{1,6}$/),
      fc.constantFrom("--count", "3-6", "--dry-run", "--review", "--no-review", "status", "help", '"', "“", "”", "<", ">", "|", ",", "—count"),
      fc.webUrl().map((url) => (Math.random() < 0.5 ? url : `<${url}|${url}>`)),
      fc.constantFrom("https://linear.app/acme/issue/ENG-1", "https://acme.atlassian.net/browse/PROJ-1", "<https://linear.app/acme/project/x-1f2e3d>", "https://acme.atlassian.net/jira/software/projects/PROJ/boards/1"),
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(" "));

/** ADF-like trees: known and unknown node types, marks and attrs of any type, any depth. */
const adfNode: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.record(
    {
      type: fc.oneof(fc.constantFrom("doc", "paragraph", "text", "heading", "bulletList", "orderedList", "listItem", "codeBlock", "blockquote", "table", "tableRow", "tableCell", "mention", "emoji", "hardBreak", "inlineCard", "taskList", "taskItem", "panel", "rule", "mediaSingle"), fc.string()),
      text: fc.oneof(fc.string(), fc.anything()),
      attrs: fc.oneof(fc.dictionary(fc.constantFrom("level", "url", "text", "language", "order", "state", "shortName", "href"), fc.anything()), fc.anything()),
      marks: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constantFrom("strong", "em", "code", "link", "strike"), fc.string()), attrs: fc.anything() }, { requiredKeys: [] })), fc.anything()),
      content: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.array(tie("node"), { maxLength: 4 }), fc.anything()),
    },
    { requiredKeys: ["type"] },
  ),
})).node;

describe("fuzz: the pure parsers", () => {
  it("the command grammar: any text is help, status, a run of at most 50 refs, or problems a person can act on", () => {
    fc.assert(
      fc.property(fc.oneof(commandText, fc.string({ unit: "binary", maxLength: 500 })), (text) => {
        const command = parseCommand(text, options);
        if (command.kind === "run") {
          expect(command.refs.length).toBeGreaterThan(0);
          expect(command.refs.length).toBeLessThanOrEqual(MAX_REFS_PER_COMMAND);
        }
        if (command.kind === "invalid") {
          expect(command.problems.length).toBeGreaterThan(0);
          for (const problem of command.problems) expect(problem.trim()).not.toBe("");
        }
      }),
      RUNS,
    );
  });

  it("parseRef: a reference or a BadReference with a bounded message, nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(commandText, fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string({ unit: "binary", maxLength: 3_000 })), (text) => {
        try {
          const ref = parseRef(text, options);
          expect(["linear", "jira"]).toContain(ref.tracker);
          expect(ref.key.trim()).not.toBe("");
        } catch (error) {
          expect(error).toBeInstanceOf(BadReference);
          expect((error as Error).message.length).toBeLessThan(1_000);
        }
      }),
      RUNS,
    );
  });

  it("ADF → markdown: any value, any tree, gives a string", () => {
    fc.assert(
      fc.property(fc.oneof(adfNode, fc.anything()), (value) => {
        expect(typeof adfToMarkdown(value)).toBe("string");
      }),
      RUNS,
    );
  });

  it("acceptance-criteria extraction: any description gives trimmed, non-empty criteria", () => {
    const markdownish = fc
      .array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 60 }), fc.constantFrom("## Acceptance criteria", "**AC**", "Definition of done:", "- [ ] ", "1. ", "* ", "Given ", "When ", "Then ", "```", "\n", "\n\n", "Akzeptanzkriterien", "---")), { maxLength: 60 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(markdownish, fc.string({ unit: "binary", maxLength: 2_000 })), (markdown) => {
        const criteria = parseAcceptanceCriteria(markdown);
        for (const criterion of criteria) expect(criterion).toBe(criterion.trim());
        for (const criterion of criteria) expect(criterion).not.toBe("");
      }),
      RUNS,
    );
  });

  it("the model's answer: any text is an answer or a list of issues, never a throw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 2_000 }), fc.jsonValue().map((value) => JSON.stringify(value) ?? "")), (text) => {
        const parsed = parseAnswer(text);
        if (!parsed.ok) expect(parsed.issues.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it("tracker text into Slack mrkdwn: no raw <, > or stray & survives, and inline text keeps its bound", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 500 }), fc.integer({ min: 0, max: 300 }), (text, max) => {
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(escaped.replace(/&(amp|lt|gt);/g, "")).not.toContain("&");
        const inline = inlineText(text, max);
        expect(inline.length).toBeLessThanOrEqual(max);
        expect(inline).not.toMatch(/[<>\n]/);
        expect(inline.replace(/&(amp|lt|gt);/g, "")).not.toContain("&");
      }),
      RUNS,
    );
  });
});
