// Subtask titles as they land in the tracker: one tidy line, and a key that says when two
// titles name the same work.

export const MAX_TITLE_LENGTH = 120;

/**
 * One line, no list marker or code prefix the model may have copied ("1. ", "- ", "ST3: "),
 * no trailing period, first letter capital, at most 120 characters (cut at a word when
 * one ends late enough, marked with "…").
 */
export function normaliseTitle(raw: string): string {
  let title = raw
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:[-*+•]\s+|\d{1,2}[.)]\s+|ST\d+\s*[:.)-]\s*)/i, "")
    .replace(/^["'“”„«»`]+|["'“”„«»`]+$/g, "")
    .replace(/[.。]+$/u, "")
    .trim();
  const first = title.codePointAt(0);
  if (first !== undefined) {
    const letter = String.fromCodePoint(first);
    title = letter.toLocaleUpperCase() + title.slice(letter.length);
  }
  if (title.length > MAX_TITLE_LENGTH) {
    const room = title.slice(0, MAX_TITLE_LENGTH - 1);
    const space = room.lastIndexOf(" ");
    const cut = space >= MAX_TITLE_LENGTH * 0.6 ? room.slice(0, space) : room;
    title = `${cut.replace(/[\s,;:.-]+$/, "")}…`;
  }
  return title;
}

/** Equal for titles that differ only in case, spacing or punctuation. */
export function duplicateKey(title: string): string {
  return title.normalize("NFKC").toLocaleLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}
