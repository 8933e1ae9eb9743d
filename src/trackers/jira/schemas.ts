// The parts of Jira's answers the adapter relies on, checked before use. Objects are loose:
// Jira sends far more than this, and custom fields are read by id from the issue's `fields`.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/

import { z } from "zod";

const status = z.looseObject({
  name: z.string(),
  statusCategory: z.looseObject({ key: z.string() }),
});

const issueType = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  subtask: z.boolean().optional(),
  hierarchyLevel: z.number().optional(),
});

export const jiraIssue = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string(),
    description: z.unknown().optional(),
    labels: z.array(z.string()).default([]),
    status,
    issuetype: issueType,
    project: z.looseObject({ id: z.string(), key: z.string(), name: z.string() }),
    parent: z
      .looseObject({ id: z.string(), key: z.string(), fields: z.looseObject({ summary: z.string().optional() }).optional() })
      .nullish(),
    subtasks: z.array(z.looseObject({ id: z.string(), key: z.string() })).default([]),
  }),
  /** With expand=names: field id → display name, to find custom fields such as "Acceptance Criteria". */
  names: z.record(z.string(), z.string()).optional(),
});
export type JiraIssue = z.infer<typeof jiraIssue>;

export const jiraIssueBrief = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({ summary: z.string(), issuetype: issueType }),
});

export const jiraSummary = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({ summary: z.string() }),
});

export const jiraChild = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string(),
    description: z.unknown().optional(),
    labels: z.array(z.string()).default([]),
    status,
    assignee: z.looseObject({ accountId: z.string().optional() }).nullish(),
  }),
});
export type JiraChild = z.infer<typeof jiraChild>;

/** GET /rest/api/3/search/jql: paginated by nextPageToken; no total. */
export const searchPage = <T extends z.ZodType>(issue: T) =>
  z.looseObject({
    issues: z.array(issue).default([]),
    nextPageToken: z.string().nullish(),
    isLast: z.boolean().optional(),
  });

// Atlassian's reference and jira.js disagree on the list key of the createmeta pages
// ("issueTypes"/"fields" vs "createMetaIssueType"/"results"); accept any of them.
const createMetaIssueType = z.looseObject({
  id: z.string(),
  name: z.string(),
  untranslatedName: z.string().optional(),
  subtask: z.boolean().optional(),
});
export type CreateMetaIssueType = z.infer<typeof createMetaIssueType>;
export const createMetaIssueTypes = z
  .looseObject({
    issueTypes: z.array(createMetaIssueType).optional(),
    createMetaIssueType: z.array(createMetaIssueType).optional(),
    results: z.array(createMetaIssueType).optional(),
    values: z.array(createMetaIssueType).optional(),
  })
  .transform((page) => page.issueTypes ?? page.createMetaIssueType ?? page.results ?? page.values ?? []);

/**
 * A field of a create screen. `schema.custom` names a custom field's type
 * ("com.atlassian.jira.plugin.system.customfieldtypes:textarea"); `allowedValues` lists a select
 * field's options.
 */
const createMetaField = z.looseObject({
  fieldId: z.string(),
  name: z.string().optional(),
  schema: z.looseObject({ type: z.string(), items: z.string().optional(), custom: z.string().optional() }).optional(),
  allowedValues: z.array(z.unknown()).optional(),
});
export type CreateMetaField = z.infer<typeof createMetaField>;
export const createMetaFields = z
  .looseObject({
    fields: z.array(createMetaField).optional(),
    results: z.array(createMetaField).optional(),
    values: z.array(createMetaField).optional(),
  })
  .transform((page) => page.fields ?? page.results ?? page.values ?? []);

/** POST /rest/api/3/issue/bulk: 201 with partial success, or 400 when every element failed. */
export const bulkCreateAnswer = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string(), key: z.string() })).default([]),
  errors: z
    .array(
      z.looseObject({
        status: z.number().optional(),
        failedElementNumber: z.number().optional(),
        elementErrors: z
          .looseObject({
            errorMessages: z.array(z.string()).optional(),
            errors: z.record(z.string(), z.unknown()).optional(),
          })
          .optional(),
      }),
    )
    .default([]),
});
export type BulkCreateAnswer = z.infer<typeof bulkCreateAnswer>;

export const approximateCount = z.looseObject({ count: z.number() });

/** GET /rest/api/3/issueLinkType. */
export const issueLinkTypes = z.looseObject({
  issueLinkTypes: z
    .array(z.looseObject({ id: z.string(), name: z.string(), inward: z.string().optional(), outward: z.string().optional() }))
    .default([]),
});

const linkedIssue = z.looseObject({ id: z.string(), key: z.string() });

/**
 * GET /rest/api/3/issue/{key}?fields=issuelinks. Each entry names the issue at the other end:
 * under `inwardIssue` when this issue reads "<type.inward> <it>" ("is blocked by"), under
 * `outwardIssue` when it reads "<type.outward> <it>" ("blocks").
 * https://developer.atlassian.com/cloud/jira/platform/issue-linking-model/
 */
export const jiraIssueLinks = z.looseObject({
  fields: z.looseObject({
    issuelinks: z
      .array(
        z.looseObject({
          id: z.string().optional(),
          type: z.looseObject({ id: z.string().optional(), name: z.string() }),
          inwardIssue: linkedIssue.optional(),
          outwardIssue: linkedIssue.optional(),
        }),
      )
      .default([]),
  }),
});

/** Answers the adapter does not read (204s, a created comment). */
export const ignored = z.unknown();

/** GET /rest/api/3/project/search: a page of projects (key, name). */
export const projectPage = z.object({ values: z.array(z.object({ key: z.string(), name: z.string() })) });

/** GET /rest/api/3/user/search and /user/permission/search: users (email only when their profile shows it). */
export const userList = z.array(z.object({ accountId: z.string(), emailAddress: z.string().optional(), active: z.boolean().optional() }));
