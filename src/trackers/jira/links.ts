// Links to Jira as people paste them:
//   https://<site>.atlassian.net/browse/PROJ-42
//   https://<site>.atlassian.net/jira/software/projects/PROJ/boards/1?selectedIssue=PROJ-42
//   https://<site>.atlassian.net/jira/software/c/projects/PROJ/issues/PROJ-42
// A site on a custom domain is recognised by JIRA_BASE_URL's host.
import { BadReference } from "../errors.ts";
import { asIssueKey } from "../issue-key.ts";
import type { UrlContext } from "../entry.ts";
import type { TrackerRef } from "../types.ts";
import { decodeSegment } from "../support/url-segment.ts";

export function parseJiraUrl(url: URL, input: string, context: UrlContext): TrackerRef | null {
  const host = url.hostname.toLowerCase();
  const siteHost = hostOf(context.siteUrl);
  if (!host.endsWith(".atlassian.net") && host !== siteHost) return null;
  // Links to another Atlassian site are refused now instead of failing later as not found.
  if (siteHost && host !== siteHost && context.configured) {
    throw new BadReference(`That link is to ${host}, but the bot is connected to Jira at ${siteHost}.`);
  }

  const selected = url.searchParams.get("selectedIssue");
  const selectedKey = selected ? asIssueKey(selected.trim()) : null;
  if (selectedKey) return { tracker: "jira", key: selectedKey, kind: "issue", input };

  const segments = url.pathname.split("/").filter(Boolean).map(decodeSegment);
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    if ((segment === "browse" || segment === "issues") && next) {
      const key = asIssueKey(next);
      if (key) return { tracker: "jira", key, kind: "issue", input };
    }
  }
  throw new BadReference(`That Jira link does not point at one issue. ${context.whatWorks}`);
}

function hostOf(siteUrl: string | undefined): string | undefined {
  if (!siteUrl) return undefined;
  try {
    return new URL(siteUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
