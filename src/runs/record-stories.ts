// A resolved run's stories, recorded in one transaction: the Epic and Story rows that mirror the
// tracker's items (each story coded S1, S2… within its epic), the run's RunEpic and RunStory rows,
// and the run moved QUEUED → RUNNING. A run's first stories wait for this commit, so it is
// written set-wise in plain SQL on one of the pool's connections (see db/plain-sql.ts): a
// 200-story epic costs a handful of statements, about as many as one story.
import type pg from "pg";
import { inTransaction } from "../db/in-transaction.ts";
import { newId } from "../db/new-id.ts";
import { execute, queryRows, sql } from "../db/plain-sql.ts";
import { trackerRegistry } from "../trackers/registry.ts";
import type { TrackerItemSummary, TrackerKind } from "../trackers/types.ts";
import { firstStoryJobId } from "./queue.ts";
import type { RecordedStoryJob, ResolvedRef } from "./store.ts";

/** A story's key among the run's: its tracker and its id there. */
const storyKey = (tracker: string, trackerId: string) => `${tracker}:${trackerId}`;

/** A story of the run, first named by `resolved[source]`. */
interface Entry {
  readonly tracker: TrackerKind;
  readonly item: TrackerItemSummary;
  readonly source: number;
}

/** An epic's row, and the code its next story gets. */
interface RecordedEpic {
  readonly id: string;
  readonly nextCode: () => string;
}

/** A story row already mirrored, as the tracker's item is compared with it. */
interface KnownStory {
  readonly id: string;
  readonly tracker: TrackerKind;
  readonly trackerId: string;
  readonly key: string;
  readonly title: string;
  readonly url: string | null;
  readonly epicId: string | null;
}

/** The run's distinct stories, each with the reference that first named it (an epic's, or its own). */
function distinctStories(resolved: readonly ResolvedRef[]): Entry[] {
  const entries = new Map<string, Entry>();
  for (const [source, { ref, expansion }] of resolved.entries()) {
    const tracker = trackerRegistry[ref.tracker].kind;
    for (const item of expansion.stories) {
      const key = storyKey(tracker, item.id);
      if (!entries.has(key)) entries.set(key, { tracker, item, source });
    }
  }
  return [...entries.values()];
}

/**
 * Records the run's stories and starts it. Null when the run is not QUEUED: another job resolved
 * it first (it waits here for that one's commit, then finds the run RUNNING), or it ended.
 */
export function recordRunStories(
  pool: pg.Pool,
  runId: string,
  resolved: readonly ResolvedRef[],
  problems: readonly string[],
  instructions: readonly string[],
): Promise<RecordedStoryJob[] | null> {
  const list = distinctStories(resolved);
  return inTransaction(pool, async (client) => {
    const started = await execute(client, sql`
      UPDATE "Run" SET status = 'RUNNING', "storiesTotal" = ${list.length}, "startedAt" = now(),
        "errorMsg" = ${problems.length > 0 ? problems.join("; ") : null}, "updatedAt" = now()
      WHERE id = ${runId} AND status = 'QUEUED'`);
    if (started !== 1) return null;

    // Each epic's row, and the next code of its stories.
    const epics = new Map<number, RecordedEpic>();
    for (const [source, { ref, expansion }] of resolved.entries()) {
      if (!expansion.epic) continue;
      epics.set(source, await recordEpic(client, runId, trackerRegistry[ref.tracker].kind, expansion.epic, expansion.stories.length));
    }
    const epicOf = (entry: Entry) => epics.get(entry.source) ?? null;

    const known = new Map((await knownStories(client, list)).map((story) => [storyKey(story.tracker, story.trackerId), story]));
    const fresh = list.filter((entry) => !known.has(storyKey(entry.tracker, entry.item.id)));
    const storyIds = new Map(await insertStories(client, fresh, epicOf));
    // Stories another run inserted meanwhile (ON CONFLICT skipped them): theirs, read now it committed.
    const raced = fresh.filter((entry) => !storyIds.has(storyKey(entry.tracker, entry.item.id)));
    for (const story of raced.length > 0 ? await knownStories(client, raced) : []) storyIds.set(storyKey(story.tracker, story.trackerId), story.id);
    for (const story of known.values()) storyIds.set(storyKey(story.tracker, story.trackerId), story.id);
    await updateKnownStories(client, list, known, epicOf);

    const ordered = list.map((entry) => ({ entry, storyId: storyIds.get(storyKey(entry.tracker, entry.item.id))! }));
    const rows = await queryRows<{ id: string; jobId: string; storyId: string }>(client, sql`
      INSERT INTO "RunStory" (id, "runId", "storyId", "jobId", instructions, "updatedAt")
      SELECT v.id, ${runId}, v."storyId", v."jobId", ${[...instructions]}::text[], now()
      FROM unnest(${ordered.map(() => newId())}::text[], ${ordered.map((story) => story.storyId)}::text[],
                  -- Each story's first job is recorded with it, so a duplicate job finds the story held.
                  ${ordered.map((story) => firstStoryJobId(runId, story.storyId))}::text[]) AS v(id, "storyId", "jobId")
      RETURNING id, "jobId", "storyId"`);
    const runStoryOf = new Map(rows.map((row) => [row.storyId, row]));
    return ordered.map(({ entry, storyId }) => {
      const row = runStoryOf.get(storyId)!;
      return { runStoryId: row.id, jobId: row.jobId, tracker: entry.tracker, trackerId: entry.item.id };
    });
  });
}

/** The epic's row (kept up to date with the tracker) and the run's RunEpic, in one statement; codes continue after its stories' highest. */
async function recordEpic(client: pg.PoolClient, runId: string, tracker: TrackerKind, epic: TrackerItemSummary, storiesFound: number): Promise<RecordedEpic> {
  const [row] = await queryRows<{ id: string; highest: number }>(client, sql`
    WITH epic AS (
      INSERT INTO "Epic" (id, tracker, "trackerId", key, title, url, "updatedAt")
      VALUES (${newId()}, ${tracker}::"TrackerKind", ${epic.id}, ${epic.key}, ${epic.title}, ${epic.url}, now())
      ON CONFLICT (tracker, "trackerId") DO UPDATE SET key = EXCLUDED.key, title = EXCLUDED.title, url = EXCLUDED.url, "updatedAt" = now()
      RETURNING id
    ), run_epic AS (
      INSERT INTO "RunEpic" (id, "runId", "epicId", status, "storiesFound", "startedAt", "updatedAt")
      SELECT ${newId()}, ${runId}, epic.id, 'RUNNING', ${storiesFound}, now(), now() FROM epic
      ON CONFLICT ("runId", "epicId") DO NOTHING
    )
    SELECT epic.id, coalesce((
      SELECT max(ltrim(s.code, 'S')::int) FROM "Story" s WHERE s."epicId" = epic.id AND s.code ~ '^S?[0-9]{1,9}$'
    ), 0) AS highest
    FROM epic`);
  let highest = row!.highest;
  return { id: row!.id, nextCode: () => `S${++highest}` };
}

async function knownStories(client: pg.PoolClient, entries: readonly Entry[]): Promise<KnownStory[]> {
  if (entries.length === 0) return [];
  return queryRows<KnownStory>(client, sql`
    SELECT s.id, s.tracker::text AS tracker, s."trackerId", s.key, s.title, s.url, s."epicId"
    FROM unnest(${entries.map((entry) => entry.tracker)}::text[], ${entries.map((entry) => entry.item.id)}::text[]) AS v(tracker, "trackerId")
    JOIN "Story" s ON s.tracker = v.tracker::"TrackerKind" AND s."trackerId" = v."trackerId"`);
}

/** Inserts stories not mirrored yet, coded within their epic; the ids of those inserted, by story key. */
async function insertStories(
  client: pg.PoolClient,
  fresh: readonly Entry[],
  epicOf: (entry: Entry) => RecordedEpic | null,
): Promise<[string, string][]> {
  if (fresh.length === 0) return [];
  // ON CONFLICT DO NOTHING: a story another run inserts at the same moment is left to it.
  const inserted = await queryRows<{ id: string; tracker: string; trackerId: string }>(client, sql`
    INSERT INTO "Story" (id, tracker, "trackerId", key, title, url, "epicId", code, "updatedAt")
    SELECT v.id, v.tracker::"TrackerKind", v."trackerId", v.key, v.title, v.url, v."epicId", v.code, now()
    FROM unnest(${fresh.map(() => newId())}::text[], ${fresh.map((entry) => entry.tracker)}::text[],
                ${fresh.map((entry) => entry.item.id)}::text[], ${fresh.map((entry) => entry.item.key)}::text[],
                ${fresh.map((entry) => entry.item.title)}::text[], ${fresh.map((entry) => entry.item.url)}::text[],
                ${fresh.map((entry) => epicOf(entry)?.id ?? null)}::text[], ${fresh.map((entry) => epicOf(entry)?.nextCode() ?? null)}::text[])
      AS v(id, tracker, "trackerId", key, title, url, "epicId", code)
    ON CONFLICT DO NOTHING
    RETURNING id, tracker::text AS tracker, "trackerId"`);
  return inserted.map((row) => [storyKey(row.tracker, row.trackerId), row.id]);
}

/** Mirrored stories the tracker renamed (key, title or URL), or that moved into this epic (a code of the epic's, after the new ones'). */
async function updateKnownStories(
  client: pg.PoolClient,
  list: readonly Entry[],
  known: ReadonlyMap<string, KnownStory>,
  epicOf: (entry: Entry) => RecordedEpic | null,
): Promise<void> {
  const changes = list.flatMap((entry) => {
    const story = known.get(storyKey(entry.tracker, entry.item.id));
    if (!story) return [];
    const epic = epicOf(entry);
    const moved = epic !== null && story.epicId !== epic.id;
    const renamed = story.key !== entry.item.key || story.title !== entry.item.title || story.url !== entry.item.url;
    if (!moved && !renamed) return [];
    return [{ id: story.id, item: entry.item, epicId: moved ? epic.id : story.epicId, code: moved ? epic.nextCode() : null, moved }];
  });
  if (changes.length === 0) return;
  await execute(client, sql`
    UPDATE "Story" s SET key = v.key, title = v.title, url = v.url,
      "epicId" = CASE WHEN v.moved THEN v."epicId" ELSE s."epicId" END,
      code = CASE WHEN v.moved THEN v.code ELSE s.code END,
      "updatedAt" = now()
    FROM unnest(${changes.map((change) => change.id)}::text[], ${changes.map((change) => change.item.key)}::text[],
                ${changes.map((change) => change.item.title)}::text[], ${changes.map((change) => change.item.url)}::text[],
                ${changes.map((change) => change.epicId)}::text[], ${changes.map((change) => change.code)}::text[],
                ${changes.map((change) => change.moved)}::boolean[]) AS v(id, key, title, url, "epicId", code, moved)
    WHERE s.id = v.id`);
}
