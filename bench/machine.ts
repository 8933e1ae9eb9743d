// What else the machine was doing: a bench's wall time on shared cores moves with it (bench:runs
// gave 0.947 with both cores busy elsewhere against 0.965–0.971 on a quiet machine, same code),
// so each output says how many cores there were and how loaded.
import { availableParallelism, loadavg } from "node:os";

/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

/** "2 cores": the cores this process may run on. */
export function cores(): string {
  const count = availableParallelism();
  return `${count} core${count === 1 ? "" : "s"}`;
}
