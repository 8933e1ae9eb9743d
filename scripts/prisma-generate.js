#!/usr/bin/env node
// Runs `prisma generate` (or another WebAssembly-only Prisma command such as `validate`).
// Every Prisma CLI command first looks for a native schema engine and tries to download it;
// `generate` and `validate` never use it, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file lets them run on machines without access to Prisma's download server.
// Skips quietly where the Prisma CLI is not installed (a production `npm ci --omit=dev`,
// which receives the generated client from the build stage instead).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
const command = process.argv[2] ?? "generate";
if (!existsSync(cli)) {
  console.log(`prisma CLI not installed; skipping prisma ${command}`);
  process.exit(0);
}
const result = spawnSync(process.execPath, [cli, command], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, "package.json"),
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
process.exit(result.status ?? 1);
