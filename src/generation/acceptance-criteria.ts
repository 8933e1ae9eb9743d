// Acceptance criteria written inside a story's description, for trackers (Linear, most Jira
// projects) that have no field for them. Pure: markdown in, one string per criterion out.

/** Section titles that introduce acceptance criteria, compared without case or accents. */
const SECTION_NAMES = [
  "acceptance criteria",
  "acceptance criterion",
  "acceptance tests",
  "ac",
  "acs",
  "definition of done",
  "dod",
  "akzeptanzkriterien",
  "abnahmekriterien",
  "criteres d'acceptation",
  "criteres d'acceptance",
  "criterios de aceptacion",
  "criteri di accettazione",
  "criterios de aceitacao",
  "acceptatiecriteria",
  "kryteria akceptacji",
];

const GIVEN = ["given", "angenommen", "gegeben sei"];
const STEP = [...GIVEN, "when", "then", "and", "but", "wenn", "dann", "und", "aber"];
const WHEN = ["when", "wenn"];
const THEN = ["then", "dann"];

/** A heading closes the sections it outranks; bold or plain label headings rank lowest. */
const LOWEST_LEVEL = 7;

interface Heading {
  readonly level: number;
  readonly text: string;
  /** Lines the heading takes: 2 for a setext heading (text, then its underline). */
  readonly span: number;
}

function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .toLowerCase()
    .replace(/[*_]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\s*:$/, "");
}

function isSectionName(text: string): boolean {
  const folded = fold(text);
  return SECTION_NAMES.some(
    (name) => folded === name || (folded.startsWith(name) && /^[^\p{L}\p{N}]/u.test(folded.slice(name.length))),
  );
}

function headingOf(line: string, next: string | undefined): Heading | null {
  const atx = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
  if (atx) return { level: atx[1]!.length, text: atx[2]!, span: 1 };
  // Jira wiki markup, which some descriptions still carry.
  const wiki = /^\s*h([1-6])\.\s+(.*)$/.exec(line);
  if (wiki) return { level: Number(wiki[1]), text: wiki[2]!, span: 1 };
  // Setext: a line underlined with === or ---.
  if (next !== undefined && line.trim() !== "" && !isListItem(line)) {
    if (/^ {0,3}=+\s*$/.test(next)) return { level: 1, text: line.trim(), span: 2 };
    // "text\n---" is also a paragraph above a rule: only a section name makes it a heading.
    if (/^ {0,3}-+\s*$/.test(next) && isSectionName(line)) return { level: 2, text: line.trim(), span: 2 };
  }
  // A line that is bold as a whole: **Acceptance criteria** or __AC:__
  const bold = /^\s*(\*\*|__)(.+?)\1\s*:?\s*$/.exec(line);
  if (bold) return { level: LOWEST_LEVEL, text: bold[2]!, span: 1 };
  // A plain label line ("Acceptance criteria:") counts only when it names a section.
  const label = /^\s*([^\s*+#>-].{0,60}?)\s*:\s*$/.exec(line);
  if (label && isSectionName(label[1]!)) return { level: LOWEST_LEVEL, text: label[1]!, span: 1 };
  return null;
}

function isListItem(line: string): boolean {
  return /^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S/.test(line) || /^\s*\[[ xX]\]\s+\S/.test(line);
}

function isThematicBreak(line: string): boolean {
  return /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/.test(line);
}

interface ListItem {
  readonly indent: number;
  readonly text: string;
}

function listItemOf(line: string): ListItem | null {
  const match = /^(\s*)(?:(?:[-*+•]|\d{1,3}[.)])\s+)?(?:\[[ xX]\]\s+)?(.*)$/.exec(line);
  if (!match || !isListItem(line)) return null;
  return { indent: match[1]!.replace(/\t/g, "    ").length, text: match[2]! };
}

interface Step {
  readonly keyword: string;
  readonly text: string;
  /** Written as a list item: "- When …" may as well be a plain criterion. */
  readonly bulleted: boolean;
}

function stepOf(line: string): Step | null {
  const marker = /^\s*(?:(?:[-*+•]|\d{1,3}[.)])\s+)?(?:\[[ xX]\]\s+)?/.exec(line)![0];
  const body = line.slice(marker.length).trim();
  const folded = body.toLowerCase();
  const keyword = STEP.find((word) => folded.startsWith(`${word} `));
  if (!keyword) return null;
  return { keyword, text: body, bulleted: marker.trim() !== "" };
}

function scenarioTitleOf(line: string): string | null {
  const match = /^\s*(?:scenario(?: outline)?|szenario|scénario|escenario)\s*:\s*(.*)$/i.exec(line);
  return match ? match[1]!.trim() : null;
}

function clean(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    // "AC1: …", "AC-2. …": the numbering is ours to give.
    .replace(/^AC[\s-]?\d+\s*[:.)-]\s*/i, "")
    .trim();
}

/** Collects the criteria of one section's lines: list items and Gherkin scenarios, else paragraphs. */
function criteriaOf(lines: readonly string[], firstParagraphOnly: boolean): string[] {
  const criteria: string[] = [];
  let item: { indent: number; parts: string[] } | null = null;
  let scenario: { title: string | null; steps: Step[] } | null = null;
  let structured = false;
  let previousBlank = false;

  const closeItem = () => {
    if (item) criteria.push(clean(item.parts.join("; ")));
    item = null;
  };
  const closeScenario = () => {
    if (scenario && scenario.steps.length > 0) {
      const steps = scenario.steps.map((step) => step.text).join("; ");
      criteria.push(clean(scenario.title ? `${scenario.title}: ${steps}` : steps));
    }
    scenario = null;
  };

  for (const line of lines) {
    if (line.trim() === "") {
      previousBlank = true;
      continue;
    }
    if (headingOf(line, undefined)) {
      // A sub-heading ("### Web", "**Mobile**") groups criteria; it is not one.
      closeItem();
      closeScenario();
      previousBlank = false;
      continue;
    }
    const title = scenarioTitleOf(line);
    if (title !== null) {
      closeItem();
      closeScenario();
      scenario = { title: title || null, steps: [] };
      structured = true;
      previousBlank = false;
      continue;
    }
    const step = stepOf(line);
    // A bullet starting "When …" is a step only inside a scenario that a Given or title opened.
    if (step && (!step.bulleted || GIVEN.includes(step.keyword) || scenario !== null)) {
      closeItem();
      const open: { title: string | null; steps: Step[] } | null = scenario;
      const thenSeen = open !== null && open.steps.some((previous) => THEN.includes(previous.keyword));
      const startsNew = open !== null && open.steps.length > 0 && (GIVEN.includes(step.keyword) || (WHEN.includes(step.keyword) && thenSeen));
      if (startsNew) closeScenario();
      scenario ??= { title: null, steps: [] };
      scenario.steps.push(step);
      structured = true;
      previousBlank = false;
      continue;
    }
    const listItem = listItemOf(line);
    if (listItem) {
      closeScenario();
      structured = true;
      if (item && listItem.indent > item.indent) {
        item.parts.push(listItem.text.trim());
      } else {
        closeItem();
        item = { indent: listItem.indent, parts: [listItem.text.trim()] };
      }
      previousBlank = false;
      continue;
    }
    // A line straight under an item (or indented under it after a blank) continues that item.
    if (item && (!previousBlank || /^\s{2,}/.test(line))) {
      const last = item.parts.length - 1;
      item.parts[last] = `${item.parts[last]} ${line.trim()}`;
      previousBlank = false;
      continue;
    }
    closeItem();
    closeScenario();
    previousBlank = false;
  }
  closeItem();
  closeScenario();
  if (structured) return criteria;

  // No list and no Gherkin: each line of prose is one criterion.
  const prose: string[] = [];
  for (const line of lines) {
    if (line.trim() === "") {
      if (firstParagraphOnly && prose.length > 0) break;
      continue;
    }
    if (headingOf(line, undefined)) continue;
    prose.push(clean(line));
  }
  return prose;
}

/** Lines outside fenced code blocks; code never holds headings or criteria. */
function linesOutsideCode(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === null || fence === marker)) {
      fence = fence === null ? marker : null;
      lines.push("");
      continue;
    }
    lines.push(fence === null ? line : "");
  }
  return lines;
}

/**
 * The acceptance criteria a story's description states: the items of every section titled
 * "Acceptance criteria", "AC", "Definition of done" (or the same in German, French, Spanish,
 * Italian, Portuguese, Dutch, Polish) as a markdown heading, a bold line or a "Label:" line.
 * Items are bullets, numbers, checkboxes and Gherkin scenarios (Given/When/Then, one
 * criterion per scenario); a section without any holds one criterion per line. Without such a
 * section, complete Gherkin scenarios anywhere in the description count. Empty when none.
 */
export function parseAcceptanceCriteria(markdown: string): string[] {
  const lines = linesOutsideCode(markdown);
  const found: string[] = [];
  let sawSection = false;

  for (let index = 0; index < lines.length; index += 1) {
    const heading = headingOf(lines[index]!, lines[index + 1]);
    if (!heading || !isSectionName(heading.text)) continue;
    sawSection = true;
    const start = index + heading.span;
    let end = start;
    for (; end < lines.length; end += 1) {
      const line = lines[end]!;
      const next = headingOf(line, lines[end + 1]);
      if (next && (next.level <= heading.level || heading.level === LOWEST_LEVEL)) break;
      if (heading.level === LOWEST_LEVEL && isThematicBreak(line)) break;
    }
    found.push(...criteriaOf(lines.slice(start, end), heading.level === LOWEST_LEVEL));
    index = end - 1;
  }

  if (!sawSection) {
    // Stand-alone Gherkin: only scenarios with both a Given and a Then step.
    const scenarios = criteriaOf(
      lines.map((line) => (stepOf(line) || scenarioTitleOf(line) !== null ? line : "")),
      false,
    );
    const complete = scenarios.filter((criterion) => {
      const folded = criterion.toLowerCase();
      return GIVEN.some((word) => folded.includes(`${word} `)) && THEN.some((word) => new RegExp(`(^|; )${word} `).test(folded));
    });
    found.push(...complete);
  }

  return [...new Set(found.filter((criterion) => criterion.length > 0))];
}
