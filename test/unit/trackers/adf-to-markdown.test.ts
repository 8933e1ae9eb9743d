import { describe, expect, it } from "vitest";
import { adfToMarkdown } from "../../../src/trackers/jira/adf-to-markdown.ts";
import { readAcceptanceCriteria, readStoryPoints, splitCriteria } from "../../../src/trackers/jira/custom-fields.ts";
import { toAdf } from "../../../src/trackers/jira/markdown-to-adf.ts";

const text = (value: string, marks?: unknown[]) => ({ type: "text", text: value, ...(marks ? { marks } : {}) });
const paragraph = (...content: unknown[]) => ({ type: "paragraph", content });
const doc = (...content: unknown[]) => ({ type: "doc", version: 1, content });
const item = (...content: unknown[]) => ({ type: "listItem", content });

describe("Jira descriptions are read from ADF as markdown", () => {
  it("keeps headings, emphasis, code, links and hard breaks", () => {
    expect(
      adfToMarkdown(
        doc(
          { type: "heading", attrs: { level: 2 }, content: [text("Context")] },
          paragraph(
            text("Export "),
            text("all ", [{ type: "strong" }]),
            text("orders", [{ type: "em" }]),
            text(" via "),
            text("GET /export", [{ type: "code" }]),
            { type: "hardBreak" },
            text("see "),
            text("the spec", [{ type: "link", attrs: { href: "https://acme.example/spec" } }]),
            text(" or "),
            text("https://acme.example/x", [{ type: "link", attrs: { href: "https://acme.example/x" } }]),
          ),
        ),
      ),
    ).toBe("## Context\n\nExport **all** *orders* via `GET /export`\nsee [the spec](https://acme.example/spec) or https://acme.example/x");
  });

  it("keeps nested bullet and ordered lists, and task lists with their state", () => {
    expect(
      adfToMarkdown(
        doc(
          { type: "bulletList", content: [item(paragraph(text("one")), { type: "orderedList", attrs: { order: 3 }, content: [item(paragraph(text("three"))), item(paragraph(text("four")))] }), item(paragraph(text("two")))] },
          { type: "taskList", attrs: { localId: "t" }, content: [{ type: "taskItem", attrs: { localId: "a", state: "DONE" }, content: [text("done")] }, { type: "taskItem", attrs: { localId: "b", state: "TODO" }, content: [text("todo")] }] },
        ),
      ),
    ).toBe("- one\n  3. three\n  4. four\n- two\n\n- [x] done\n- [ ] todo");
  });

  it("keeps code blocks, quotes, panels, rules and tables", () => {
    expect(
      adfToMarkdown(
        doc(
          { type: "codeBlock", attrs: { language: "sql" }, content: [text("select 1;\nselect 2;")] },
          { type: "blockquote", content: [paragraph(text("quoted")), paragraph(text("twice"))] },
          { type: "panel", attrs: { panelType: "info" }, content: [paragraph(text("heads up"))] },
          { type: "rule" },
          {
            type: "table",
            content: [
              { type: "tableRow", content: [{ type: "tableHeader", content: [paragraph(text("Field"))] }, { type: "tableHeader", content: [paragraph(text("Type"))] }] },
              { type: "tableRow", content: [{ type: "tableCell", content: [paragraph(text("amount"))] }, { type: "tableCell", content: [paragraph(text("a|b"))] }] },
            ],
          },
        ),
      ),
    ).toBe(
      "```sql\nselect 1;\nselect 2;\n```\n\n> quoted\n>\n> twice\n\n> heads up\n\n---\n\n| Field | Type |\n| --- | --- |\n| amount | a\\|b |",
    );
  });

  it("keeps the text of mentions, emoji, cards, dates, statuses and unknown nodes", () => {
    expect(
      adfToMarkdown(
        doc(
          paragraph(
            { type: "mention", attrs: { id: "1", text: "@Dana" } },
            text(" "),
            { type: "emoji", attrs: { shortName: ":tada:", text: "🎉" } },
            text(" "),
            { type: "inlineCard", attrs: { url: "https://acme.example/card" } },
            text(" "),
            { type: "date", attrs: { timestamp: "1767225600000" } },
            text(" "),
            { type: "status", attrs: { text: "IN REVIEW", color: "blue" } },
          ),
          { type: "mediaSingle", content: [{ type: "media", attrs: { type: "file", id: "x", alt: "diagram.png" } }] },
          { type: "someFutureNode", content: [paragraph(text("still readable"))] },
        ),
      ),
    ).toBe("@Dana 🎉 https://acme.example/card 2026-01-01 [IN REVIEW]\n\n[attachment: diagram.png]\n\nstill readable");
  });

  it("reads plain strings, empty and malformed values without failing", () => {
    expect(adfToMarkdown("  plain text from API v2 ")).toBe("plain text from API v2");
    expect(adfToMarkdown(null)).toBe("");
    expect(adfToMarkdown(undefined)).toBe("");
    expect(adfToMarkdown({ nonsense: true })).toBe("");
    expect(adfToMarkdown(doc())).toBe("");
  });

  it("reads back what marklassian wrote", () => {
    const markdown = "## Steps\n\n1. Open **orders**\n2. Click [export](https://acme.example)\n\n- [ ] check totals\n\n```ts\nconst a = 1;\n```";
    expect(adfToMarkdown(toAdf(markdown))).toBe(markdown);
  });
});

describe("markdown written to Jira becomes ADF", () => {
  it("is an ADF doc", () => {
    expect(toAdf("Hello **you**")).toEqual({
      type: "doc",
      version: 1,
      content: [{ type: "paragraph", content: [text("Hello "), text("you", [{ type: "strong" }])] }],
    });
  });

  it("shows raw <adf> blocks from generated text as text instead of passing them through", () => {
    const adf = toAdf('Before\n\n<adf>\n{"type":"mention","attrs":{"id":"all","text":"@all"}}\n</adf>\n\nAfter');
    expect(JSON.stringify(adf)).not.toContain('"type":"mention"');
    expect(adfToMarkdown(adf)).toContain("<adf>");
  });
});

describe("Jira custom fields for acceptance criteria and story points", () => {
  const names = { customfield_10016: "Story point estimate", customfield_10050: "Acceptance Criteria", summary: "Summary" };

  it("acceptance criteria come from the field named so, one per list item", () => {
    const fields = {
      customfield_10050: doc({ type: "bulletList", content: [item(paragraph(text("One row per order"))), item(paragraph(text("Dot as decimal separator")))] }),
    };
    expect(readAcceptanceCriteria(fields, names)).toEqual(["One row per order", "Dot as decimal separator"]);
  });

  it("a site without the field, or an empty one, gives none", () => {
    expect(readAcceptanceCriteria({}, { summary: "Summary" })).toEqual([]);
    expect(readAcceptanceCriteria({ customfield_10050: null }, names)).toEqual([]);
  });

  it("criteria given as plain lines are split per line", () => {
    expect(splitCriteria("1. first\n\n2) second\n- [x] third\nfourth")).toEqual(["first", "second", "third", "fourth"]);
  });

  it("story points come from the field named so, when it holds a number", () => {
    expect(readStoryPoints({ customfield_10016: 5 }, names)).toBe(5);
    expect(readStoryPoints({ customfield_10016: null }, names)).toBeNull();
    expect(readStoryPoints({ customfield_10016: 3 }, { customfield_10016: "Story Points" })).toBe(3);
  });

  it("a broken document (marks or text of the wrong type, found by fuzzing) is read as far as it goes, never a crash", () => {
    const broken = doc(paragraph({ type: "text", text: "Pay by invoice", marks: 0 }, { type: "text", text: 42 }, text(" now", [null, { type: "strong" }] as unknown[])));
    expect(adfToMarkdown(broken)).toBe("Pay by invoice **now**");
  });
});
