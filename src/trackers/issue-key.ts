// Issue keys as people type them: ENG-123 (a Linear team key) or PROJ-42 (a Jira project key).
// Jira project keys start with a letter and hold letters, digits and underscores; Linear team
// keys are letters and digits. Both are followed by a dash and a positive number.
const keyPattern = /^([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)$/;

/** The key upper-cased, or null when the text is not one. */
export function asIssueKey(text: string): string | null {
  return keyPattern.test(text) ? text.toUpperCase() : null;
}


/** The team (Linear) or project (Jira) an issue key belongs to: ENG for ENG-123; null when `key` is not an issue key. */
export function teamOfIssueKey(key: string): string | null {
  const match = keyPattern.exec(key);
  return match ? match[1]!.toUpperCase() : null;
}
