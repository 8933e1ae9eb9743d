// Text safety for Slack's mrkdwn. Every string that comes from a tracker, the model or a
// person is escaped before it is put in a message, so `<!channel>` or `<@U123>` in a story title
// shows literally and pings nobody. Slack asks for exactly three replacements, no more:
// https://docs.slack.dev/messaging/formatting-message-text#escaping

/** `&`, `<`, `>` → `&amp;`, `&lt;`, `&gt;`; nothing else is touched. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export const ELLIPSIS = "…";

/**
 * Shortens text to at most `max` characters (UTF-16 units, as Slack counts), ending in "…".
 * Never splits a surrogate pair, nor an entity made by escapeMrkdwn (`&amp;` cut to `&am`
 * would show as garbage), so it is safe on escaped text.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(max, 0));
  let cut = text.slice(0, max - ELLIPSIS.length);
  // A high surrogate at the end lost its partner.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  // A partial entity at the end: drop it whole.
  cut = cut.replace(/&[a-z]{0,3}$/, "");
  return cut + ELLIPSIS;
}

/** Escapes, then folds whitespace runs to one space: titles stay on one line. */
export function inlineText(text: string, max: number): string {
  return truncate(escapeMrkdwn(text.replace(/\s+/g, " ").trim()), max);
}

/**
 * `<url|label>` when the url is http(s), else the label alone. The label is escaped; in the
 * url, characters that would end the link early are percent-encoded.
 */
export function link(url: string | null | undefined, label: string): string {
  const safeLabel = escapeMrkdwn(label);
  if (!url || !/^https?:\/\//i.test(url)) return safeLabel;
  const safeUrl = url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C").replace(/\s/g, "%20");
  return `<${safeUrl}|${safeLabel}>`;
}

/** A Slack user mention from an id as Slack sends it (U…/W…); anything else is shown escaped. */
export function mentionUser(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A channel mention from an id (C…/G…/D…); anything else is shown escaped. */
export function mentionChannel(channelId: string): string {
  return /^[CGD][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}
