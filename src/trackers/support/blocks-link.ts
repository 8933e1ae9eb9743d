import type { BlocksLink } from "../types.ts";

/** How a link is named in failures and logs: "ST1 blocks ST2". */
export function blocksLinkRef(link: Pick<BlocksLink, "blocker" | "blocked">): string {
  return `${link.blocker.code} blocks ${link.blocked.code}`;
}
