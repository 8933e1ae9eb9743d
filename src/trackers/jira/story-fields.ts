// The custom fields of a project's Story create screen that a stories run writes: one named like
// "Acceptance Criteria" (case-insensitive), and the story points field ("Story Points" in
// company-managed projects, "Story point estimate" in team-managed ones). Their ids differ from
// site to site; createmeta names them, with their type.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-createmeta-projectidorkey-issuetypes-issuetypeid-get

import { acceptanceCriteriaName, storyPointsName } from "./custom-fields.ts";
import type { CreateScreen } from "./issue-types.ts";
import { toAdf } from "./markdown-to-adf.ts";
import type { CreateMetaField } from "./schemas.ts";

/**
 * What a story points field offers when it is a plain number: Jira keeps no scale for it, so the
 * one most teams estimate with (the Fibonacci-like planning-poker scale). A select field's own
 * options win. Without a story points field there is no scale at all.
 */
export const JIRA_DEFAULT_POINT_SCALE: readonly number[] = [1, 2, 3, 5, 8, 13];

export interface StoryFields {
  readonly criteria: CreateMetaField | null;
  readonly points: CreateMetaField | null;
}

export function storyFieldsOf(screen: CreateScreen): StoryFields {
  const named = (pattern: RegExp) => [...screen.values()].find((field) => pattern.test((field.name ?? "").trim())) ?? null;
  return { criteria: named(acceptanceCriteriaName), points: named(storyPointsName) };
}

/**
 * The criteria as the field takes them. REST v3 takes a multi-line text (textarea) field only as
 * Atlassian Document Format: a bullet list. A labels-like field takes a list of strings, and a
 * single-line text field one string, so there the criteria are joined by "; ".
 * https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function criteriaFieldValue(field: CreateMetaField, criteria: readonly string[]): unknown {
  const schema = field.schema;
  if (schema?.type === "array" && schema.items === "string") return [...criteria];
  if (schema?.custom?.endsWith(":textarea") || schema?.type === "doc") return toAdf(criteria.map((criterion) => `- ${criterion}`).join("\n"));
  return criteria.join("; ");
}

/** The points a story points field takes; null when the field cannot hold these points. */
export function pointsFieldValue(field: CreateMetaField, points: number): unknown {
  const options = selectOptions(field);
  if (options.length > 0) {
    const option = options.find((candidate) => candidate.points === points);
    return option ? { id: option.id } : null;
  }
  return field.schema?.type === "number" ? points : null;
}

/** The scale of the Story screen's story points field, smallest first; null without one. */
export function storyPointScale(field: CreateMetaField | null): number[] | null {
  if (!field) return null;
  const options = selectOptions(field);
  if (options.length > 0) return [...new Set(options.map((option) => option.points))].sort((a, b) => a - b);
  return field.schema?.type === "number" ? [...JIRA_DEFAULT_POINT_SCALE] : null;
}

/** A select field's options whose values are numbers ("3", "5"…). */
function selectOptions(field: CreateMetaField): { id: string; points: number }[] {
  return (field.allowedValues ?? []).flatMap((option) => {
    if (typeof option !== "object" || option === null) return [];
    const { id, value } = option as { id?: unknown; value?: unknown };
    const points = typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
    return typeof id === "string" && Number.isFinite(points) ? [{ id, points }] : [];
  });
}
