// A bot process for the kill -9 test: it works on the run queue with a model call that never
// answers, says so on stdout, and waits to be killed.
import { createRunService } from "../../src/runs/service.ts";
import { openDatabase } from "../../src/db/prisma.ts";
import type { SubtaskGenerator } from "../../src/generation/types.ts";
import { createLogger } from "../../src/log/logger.ts";
import { FakeTracker } from "./fake-tracker.ts";

const databaseUrl = process.env.DATABASE_URL!;
const db = openDatabase(databaseUrl);
const tracker = new FakeTracker();
tracker.addStory("ENG-1");
const hanging: SubtaskGenerator = {
  generate: () => {
    process.stdout.write("generating\n");
    return new Promise(() => undefined);
  },
};
const runs = createRunService({
  prisma: db.prisma,
  intakePool: db.intakePool,
  databaseUrl,
  logger: createLogger({ level: "silent" }),
  trackers: { linear: tracker },
  generator: hanging,
  concurrency: 1,
  sweepIntervalMs: 0,
  queueTiming: { heartbeatSeconds: 10, monitorIntervalSeconds: 1, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1 },
});
await runs.start();
process.stdout.write("ready\n");
