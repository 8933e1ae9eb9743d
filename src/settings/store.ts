// Team settings in the database: read with their fallback on the workspace default, and changed
// with a record of who changed what, when and through which surface, in one transaction.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { EFFORT_SCALES, type EffortScale } from "../effort/effort.ts";
import type { TrackerKind, TrackerName } from "../trackers/types.ts";
import { trackerRegistry } from "../trackers/registry.ts";
import {
  applyEdit,
  changesBetween,
  countFromText,
  countToText,
  effectiveSettings,
  NO_SETTINGS,
  scopeOfKind,
  WORKSPACE_SCOPE,
  type EffectiveSettings,
  type SettingsEdit,
  type SettingsScope,
  type TeamSettingsValues,
} from "./team-settings.ts";

export interface SettingsAuthor {
  readonly id: string;
  readonly name?: string | undefined;
  /** "slack" or "cli". */
  readonly via: "slack" | "cli";
}

export interface SettingsChangeRecord {
  readonly changedBy: string;
  readonly changedByName: string | null;
  readonly via: string;
  readonly changedAt: Date;
  readonly changes: Record<string, { from: unknown; to: unknown }>;
}

export interface StoredSettings {
  readonly scope: SettingsScope;
  readonly values: TeamSettingsValues;
  /** null: nothing was ever set for this scope. */
  readonly updatedBy: string | null;
  readonly updatedAt: Date | null;
}

type Row = {
  guidance: string | null;
  count: string | null;
  effortScale: string | null;
  language: string | null;
  reviewByDefault: boolean | null;
  extraLabels: string[];
};

function valuesOf(row: Row | null): TeamSettingsValues {
  if (!row) return NO_SETTINGS;
  return {
    guidance: row.guidance,
    count: countFromText(row.count),
    effortScale: (EFFORT_SCALES as readonly string[]).includes(row.effortScale ?? "") ? (row.effortScale as EffortScale) : null,
    language: row.language,
    reviewByDefault: row.reviewByDefault,
    extraLabels: row.extraLabels,
  };
}

function rowOf(values: TeamSettingsValues): Row {
  return { ...values, count: countToText(values.count), extraLabels: [...values.extraLabels] };
}

export class SettingsStore {
  private readonly prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.prisma = prisma;
  }

  async get(scope: SettingsScope): Promise<StoredSettings> {
    const row = await this.prisma.teamSettings.findUnique({ where: { scope } });
    return { scope, values: valuesOf(row), updatedBy: row?.updatedByName ?? row?.updatedBy ?? null, updatedAt: row?.updatedAt ?? null };
  }

  /** The settings a story of this team runs with: the team's over the workspace default, in one read. */
  async effectiveFor(kind: TrackerKind, teamKey: string): Promise<EffectiveSettings> {
    const scope = scopeOfKind(kind, teamKey);
    const rows = await this.prisma.teamSettings.findMany({ where: { scope: { in: [WORKSPACE_SCOPE, scope] } } });
    const workspace = rows.find((row) => row.scope === WORKSPACE_SCOPE) ?? null;
    const team = rows.find((row) => row.scope === scope) ?? null;
    return effectiveSettings(valuesOf(workspace), valuesOf(team), scope);
  }

  /** Every scope that has settings, the workspace default first. */
  async list(): Promise<StoredSettings[]> {
    const rows = await this.prisma.teamSettings.findMany({ orderBy: { scope: "asc" } });
    return rows.map((row) => ({ scope: row.scope, values: valuesOf(row), updatedBy: row.updatedByName ?? row.updatedBy, updatedAt: row.updatedAt }));
  }

  /**
   * Applies an edit and records what it changed, in one transaction; an edit that changes
   * nothing records nothing. Returns the settings after it and the fields it changed.
   */
  async change(scope: SettingsScope, edit: SettingsEdit, author: SettingsAuthor): Promise<{ values: TeamSettingsValues; changed: string[] }> {
    return this.prisma.$transaction(async (tx) => {
      // The row is locked for the read-modify-write, so two editors at once cannot lose a change.
      await tx.$executeRaw`SELECT 1 FROM "TeamSettings" WHERE scope = ${scope} FOR UPDATE`;
      const current = await tx.teamSettings.findUnique({ where: { scope } });
      const before = valuesOf(current);
      const after = applyEdit(before, edit);
      const changes = changesBetween(before, after);
      if (Object.keys(changes).length === 0) return { values: before, changed: [] };
      const [tracker, key] = scope === WORKSPACE_SCOPE ? [null, null] : (scope.split(":") as [TrackerName, string]);
      const data = { ...rowOf(after), updatedBy: author.id, updatedByName: author.name ?? null };
      const saved = await tx.teamSettings.upsert({
        where: { scope },
        create: { scope, tracker: tracker ? trackerRegistry[tracker].kind : null, key, ...data },
        update: data,
      });
      await tx.settingsChange.create({
        data: { settingsId: saved.id, changedBy: author.id, changedByName: author.name ?? null, via: author.via, changes: changes as Prisma.InputJsonObject },
      });
      return { values: after, changed: Object.keys(changes) };
    });
  }

  /** The latest changes of a scope, newest first. */
  async history(scope: SettingsScope, limit = 5): Promise<SettingsChangeRecord[]> {
    const rows = await this.prisma.settingsChange.findMany({
      where: { settings: { scope } },
      orderBy: { changedAt: "desc" },
      take: limit,
    });
    return rows.map((row) => ({
      changedBy: row.changedBy,
      changedByName: row.changedByName,
      via: row.via,
      changedAt: row.changedAt,
      changes: row.changes as Record<string, { from: unknown; to: unknown }>,
    }));
  }
}
