// A subtask's effort as a Jira original estimate, in Jira's duration syntax ("1d", "4h", "1h 30m").
// A "d" is the site's working day (`workingHoursPerDay`, 8 unless an admin changed it), so a size
// or a duration given in days is sent in days: XL, "a full working day", stays one day whatever
// the site's day. https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-time-tracking/

import { HOURS_PER_DAY, type Effort } from "../../effort/effort.ts";

/** XS = 1h, S = 2h, M = 4h, L = 6h, XL = 1d (the hours of effort/effort.ts); durations as given. */
export function originalEstimate(effort: Effort): string {
  const wholeDays = effort.hours % HOURS_PER_DAY === 0;
  if (wholeDays && (effort.given === "size" || effort.given === "days")) return `${effort.hours / HOURS_PER_DAY}d`;
  // Fractions are written out as hours and minutes, which every time-tracking setup reads.
  const totalMinutes = Math.max(1, Math.round(effort.hours * 60));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return [hours > 0 ? `${hours}h` : "", minutes > 0 ? `${minutes}m` : ""].filter(Boolean).join(" ");
}
