// Markdown → Atlassian Document Format for what the bot writes to Jira (descriptions, comments),
// with marklassian. Jira REST v3 takes rich text only as ADF.
// https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/

import { markdownToAdf } from "marklassian";

export type AdfDocument = ReturnType<typeof markdownToAdf>;

/**
 * marklassian copies anything inside <adf>…</adf> into the document unchecked. The text the bot
 * writes comes from a model that read untrusted story text, so such a block is shown as text
 * instead of becoming raw ADF (a mention that pings people, a macro).
 */
function neutraliseRawAdf(markdown: string): string {
  return markdown.replace(/<(\/?)adf(\s*)>/gi, "\\<$1adf$2\\>");
}

export function toAdf(markdown: string): AdfDocument {
  return markdownToAdf(neutraliseRawAdf(markdown));
}
