// Links to Linear as people paste them:
//   https://linear.app/<org>/issue/ENG-123/optional-slug
//   https://linear.app/<org>/project/<name-slug>-<slugId>/overview
import { BadReference } from "../errors.ts";
import { asIssueKey } from "../issue-key.ts";
import type { UrlContext } from "../entry.ts";
import type { TrackerRef } from "../types.ts";
import { decodeSegment } from "../support/url-segment.ts";

export function parseLinearUrl(url: URL, input: string, context: UrlContext): TrackerRef | null {
  const host = url.hostname.toLowerCase();
  if (host !== "linear.app" && !host.endsWith(".linear.app")) return null;
  const [, section, id] = url.pathname.split("/").filter(Boolean);
  if (section === "issue" && id) {
    const key = asIssueKey(decodeSegment(id));
    if (key) return { tracker: "linear", key, kind: "issue", input };
  }
  if (section === "project" && id) {
    // The segment is the project's name slug followed by its slugId; Linear's `project(id:)`
    // query accepts the slugId ("Returns a single project by its identifier or URL slug").
    const slugId = decodeSegment(id).split("-").at(-1);
    if (slugId && /^[A-Za-z0-9]+$/.test(slugId)) return { tracker: "linear", key: slugId, kind: "project", input };
  }
  throw new BadReference(`That Linear link is not an issue or a project. ${context.whatWorks}`);
}
