// Which issue type makes sub-tasks in a Jira project, and which fields its create screen has
// (time tracking, labels: Jira refuses a create that sets a field missing from the screen). The type's name differs per site and language ("Sub-task", "Subtask", "Sous-tâche");
// the flag `subtask: true` does not. Both answers are asked once per project and kept.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-createmeta-projectidorkey-issuetypes-get

import { NoSubtaskIssueType } from "../errors.ts";
import type { JiraCall } from "./call.ts";
import { createMetaFields, createMetaIssueTypes } from "./schemas.ts";

/** Page size of the createmeta endpoints; a project has far fewer issue types or create fields. */
const CREATE_META_PAGE = 200;

export interface SubtaskType {
  readonly id: string;
  readonly name: string;
}

export interface SubtaskTypes {
  /** Throws NoSubtaskIssueType when the project has none. */
  typeFor(project: string): Promise<SubtaskType>;
  /** The ids of the fields on the create screen of the project's sub-task type ("timetracking", "labels"…). */
  createFields(project: string, type: SubtaskType): Promise<ReadonlySet<string>>;
}

export function createSubtaskTypes(deps: { readonly call: JiraCall }): SubtaskTypes {
  const types = new Map<string, Promise<SubtaskType>>();
  const fields = new Map<string, Promise<ReadonlySet<string>>>();

  // Cached as promises so concurrent creates for one project ask once; a failure is not cached.
  function remember<V>(cache: Map<string, Promise<V>>, key: string, load: () => Promise<V>): Promise<V> {
    const cached = cache.get(key);
    if (cached) return cached;
    const loading = load();
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
    return loading;
  }

  return {
    typeFor(project) {
      return remember(types, project, async () => {
        const issueTypes = await deps.call(
          (jira) => jira.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey: project, maxResults: CREATE_META_PAGE }),
          createMetaIssueTypes,
          { action: `read the issue types of project ${project}`, permission: "Create issues" },
        );
        const subtask = issueTypes.find((type) => type.subtask === true);
        if (!subtask) throw new NoSubtaskIssueType(project);
        return { id: subtask.id, name: subtask.name };
      });
    },

    createFields(project, type) {
      return remember(fields, `${project}\u0000${type.id}`, async () => {
        const createFields = await deps.call(
          (jira) =>
            jira.issues.getCreateIssueMetaIssueTypeId({
              projectIdOrKey: project,
              issueTypeId: type.id,
              maxResults: CREATE_META_PAGE,
            }),
          createMetaFields,
          { action: `read the create fields of ${type.name} in project ${project}`, permission: "Create issues" },
        );
        return new Set(createFields.map((field) => field.fieldId));
      });
    },
  };
}
