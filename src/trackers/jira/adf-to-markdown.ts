// Atlassian Document Format → markdown, for descriptions and acceptance criteria read from Jira.
// The markdown feeds a prompt and the marker check, not a renderer: it keeps the structure a
// reader needs (headings, lists, task lists, code, quotes, tables, links) and the text as typed,
// without markdown escapes. Unknown nodes keep their text, so new ADF node types lose nothing
// that can be read.
// Node reference: https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
// (No maintained ADF → markdown package fits: the candidates on npm are unmaintained or pull in
// unrelated dependencies, and this walker is small enough to own and test.)

interface AdfMark {
  readonly type: string;
  readonly attrs?: Record<string, unknown>;
}

interface AdfNode {
  readonly type: string;
  readonly text?: string;
  readonly attrs?: Record<string, unknown>;
  readonly content?: readonly AdfNode[];
  readonly marks?: readonly AdfMark[];
}

function isNode(value: unknown): value is AdfNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** A text node's marks; a value that is not a list of marks (a broken document) counts as none. */
function marksOf(node: AdfNode): AdfMark[] {
  return Array.isArray(node.marks) ? node.marks.filter((mark): mark is AdfMark => typeof mark === "object" && mark !== null && typeof mark.type === "string") : [];
}

function childrenOf(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content) ? node.content.filter(isNode) : [];
}

function attr(node: AdfNode | AdfMark, name: string): string | undefined {
  const value = node.attrs?.[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** A Jira rich-text value (an ADF doc, or a plain string from an older field) as markdown. */
export function adfToMarkdown(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (!isNode(value)) return "";
  return renderBlocks(value.type === "doc" ? childrenOf(value) : [value]).trim();
}

function renderBlocks(nodes: readonly AdfNode[], separator = "\n\n"): string {
  return nodes
    .map((node) => renderBlock(node))
    .filter((block) => block.trim() !== "")
    .join(separator);
}

function renderBlock(node: AdfNode): string {
  switch (node.type) {
    case "paragraph":
      return renderInline(childrenOf(node));
    case "heading": {
      const level = Math.min(6, Math.max(1, Number(attr(node, "level") ?? 1)));
      return `${"#".repeat(level)} ${renderInline(childrenOf(node))}`;
    }
    case "bulletList":
      return childrenOf(node)
        .map((item) => listItem("- ", item))
        .join("\n");
    case "orderedList": {
      const start = Number(attr(node, "order") ?? 1);
      return childrenOf(node)
        .map((item, index) => listItem(`${(Number.isFinite(start) ? start : 1) + index}. `, item))
        .join("\n");
    }
    case "taskList":
      return childrenOf(node)
        .map((item) =>
          item.type === "taskItem"
            ? listItem(attr(item, "state") === "DONE" ? "- [x] " : "- [ ] ", item)
            : indent(renderBlock(item), "  "),
        )
        .join("\n");
    case "decisionList":
      return childrenOf(node)
        .map((item) => listItem("- ", item))
        .join("\n");
    case "codeBlock": {
      const language = attr(node, "language") ?? "";
      const code = childrenOf(node)
        .map((child) => child.text ?? "")
        .join("");
      return `\`\`\`${language}\n${code}\n\`\`\``;
    }
    case "blockquote":
    case "panel":
      return quote(renderBlocks(childrenOf(node)));
    case "rule":
      return "---";
    case "table":
      return renderTable(node);
    case "expand":
    case "nestedExpand": {
      const title = attr(node, "title");
      const body = renderBlocks(childrenOf(node));
      return title ? `**${title}**\n\n${body}` : body;
    }
    case "mediaSingle":
    case "mediaGroup":
      return childrenOf(node)
        .map((media) => mediaText(media))
        .join(" ");
    case "media":
      return mediaText(node);
    case "blockCard":
    case "embedCard":
      return attr(node, "url") ?? "";
    default:
      // Unknown or inline-only content at block level (an extension, a taskItem on its own…).
      if (typeof node.text === "string") return renderInline([node]);
      return childrenOf(node).some((child) => isBlock(child)) ? renderBlocks(childrenOf(node)) : renderInline(childrenOf(node));
  }
}

const blockTypes = new Set([
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "taskList",
  "decisionList",
  "codeBlock",
  "blockquote",
  "panel",
  "rule",
  "table",
  "expand",
  "nestedExpand",
  "mediaSingle",
  "mediaGroup",
  "blockCard",
  "embedCard",
]);

function isBlock(node: AdfNode): boolean {
  return blockTypes.has(node.type);
}

/** A list item: its first line after the marker, later lines (nested lists, paragraphs) indented under it. */
function listItem(marker: string, item: AdfNode): string {
  const children = childrenOf(item);
  // taskItem and decisionItem hold inline nodes directly; listItem holds blocks.
  const body = children.some((child) => isBlock(child)) ? renderBlocks(children, "\n") : renderInline(children);
  return marker + indent(body, " ".repeat(marker.length)).trimStart();
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : prefix + line))
    .join("\n");
}

function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? ">" : `> ${line}`))
    .join("\n");
}

function renderTable(table: AdfNode): string {
  const rows = childrenOf(table).map((row) =>
    childrenOf(row).map((cell) => renderBlocks(childrenOf(cell), " ").replace(/\n+/g, " ").replace(/\|/g, "\\|").trim()),
  );
  const width = Math.max(0, ...rows.map((row) => row.length));
  if (width === 0) return "";
  const line = (cells: readonly string[]) =>
    `| ${Array.from({ length: width }, (_unused, index) => cells[index] ?? "").join(" | ")} |`;
  const [header = [], ...body] = rows;
  return [line(header), line(Array.from({ length: width }, () => "---")), ...body.map(line)].join("\n");
}

function mediaText(media: AdfNode): string {
  const alt = attr(media, "alt");
  return alt ? `[attachment: ${alt}]` : "[attachment]";
}

function renderInline(nodes: readonly AdfNode[]): string {
  return nodes.map((node) => inlineText(node)).join("");
}

function inlineText(node: AdfNode): string {
  switch (node.type) {
    case "text":
      return withMarks(typeof node.text === "string" ? node.text : "", marksOf(node));
    case "hardBreak":
      return "\n";
    case "mention":
      return attr(node, "text") ?? "@someone";
    case "emoji":
      return attr(node, "text") ?? attr(node, "shortName") ?? "";
    case "inlineCard":
      return attr(node, "url") ?? "";
    case "status":
      return `[${attr(node, "text") ?? ""}]`;
    case "date": {
      const timestamp = Number(attr(node, "timestamp"));
      return Number.isFinite(timestamp) ? new Date(timestamp).toISOString().slice(0, 10) : "";
    }
    case "mediaInline":
      return mediaText(node);
    case "placeholder":
      return "";
    default:
      if (typeof node.text === "string") return node.text;
      return isBlock(node) ? renderBlock(node) : renderInline(childrenOf(node));
  }
}

/** Wraps text in its marks, keeping edge spaces outside (`** bold**` is not bold in markdown). */
function withMarks(text: string, marks: readonly AdfMark[]): string {
  if (marks.length === 0 || text.trim() === "") return text;
  const lead = /^\s*/.exec(text)?.[0] ?? "";
  const trail = /\s*$/.exec(text)?.[0] ?? "";
  let core = text.slice(lead.length, text.length - trail.length);
  const has = (type: string) => marks.find((mark) => mark.type === type);
  if (has("code")) core = `\`${core}\``;
  if (has("strike")) core = `~~${core}~~`;
  if (has("em")) core = `*${core}*`;
  if (has("strong")) core = `**${core}**`;
  const link = has("link");
  const href = link ? attr(link, "href") : undefined;
  // A bare URL comes back as a link whose text is the URL: write it once.
  if (href) core = core === href ? href : `[${core}](${href})`;
  return lead + core + trail;
}
