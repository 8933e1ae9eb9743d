// A bot process for the kill -9 test: it works on the run queue with a model call that never
// answers, says so on stdout, and waits to be killed.
import { parseConfig } from "../../src/config/config.ts";
import { createCore } from "../../src/core.ts";
import { openDatabase } from "../../src/db/prisma.ts";
import type { SubtaskGenerator } from "../../src/generation/types.ts";
import { createLogger } from "../../src/log/logger.ts";
import { FakeTracker } from "./fake-tracker.ts";

const databaseUrl = process.env.DATABASE_URL!;
const tracker = new FakeTracker();
tracker.addStory("ENG-1");
const hanging: SubtaskGenerator = {
  generate: () => {
    process.stdout.write("generating\n");
    return new Promise(() => undefined);
  },
};
const core = await createCore(parseConfig({ DATABASE_URL: databaseUrl, RUN_CONCURRENCY: "1" }), {
  logger: createLogger({ level: "silent" }),
  db: openDatabase(databaseUrl),
  trackers: { linear: tracker },
  generator: hanging,
  sweepIntervalMs: 0,
  queueTiming: { heartbeatSeconds: 10, monitorIntervalSeconds: 1, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1 },
});
await core.start();
process.stdout.write("ready\n");
