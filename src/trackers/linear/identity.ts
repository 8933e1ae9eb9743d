import type { TrackerIdentity } from "../types.ts";

export const linearIdentity = { name: "linear", displayName: "Linear", kind: "LINEAR" } as const satisfies TrackerIdentity;
