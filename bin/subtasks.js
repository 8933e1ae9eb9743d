#!/usr/bin/env node
// `npx subtasks …`: the sources are TypeScript that Node (≥ 22.18, or 22.12 with the flag set by
// `npm run cli`) runs directly. The version is checked first: an older Node cannot parse them.
import { requireSupportedNode } from "./node-version.js";

requireSupportedNode();
await import("../src/cli/main.ts");
