// Which issue types make sub-tasks and stories in a Jira project, and which fields their create
// screens have (time tracking, labels, an "Acceptance Criteria" or story points custom field:
// Jira refuses a create that sets a field missing from the screen). Type names differ per site
// and language ("Sub-task", "Subtask", "Sous-tâche"); the flag `subtask: true` and the
// `untranslatedName` "Story" do not. Each answer is asked once per project and kept.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-createmeta-projectidorkey-issuetypes-get

import { NoSubtaskIssueType } from "../errors.ts";
import type { JiraCall } from "./call.ts";
import { createMetaFields, createMetaIssueTypes, type CreateMetaField, type CreateMetaIssueType } from "./schemas.ts";

/** Page size of the createmeta endpoints; a project has far fewer issue types or create fields. */
const CREATE_META_PAGE = 200;

export interface IssueType {
  readonly id: string;
  readonly name: string;
}

/** The fields of a create screen, by field id ("timetracking", "labels", "customfield_10016"…). */
export type CreateScreen = ReadonlyMap<string, CreateMetaField>;

export interface IssueTypes {
  /** Throws NoSubtaskIssueType when the project has none. */
  subtaskType(project: string): Promise<IssueType>;
  /** The project's Story type; null when it has none the bot can create. */
  storyType(project: string): Promise<IssueType | null>;
  createFields(project: string, type: IssueType): Promise<CreateScreen>;
}

export function createIssueTypes(deps: { readonly call: JiraCall }): IssueTypes {
  const types = new Map<string, Promise<readonly CreateMetaIssueType[]>>();
  const fields = new Map<string, Promise<CreateScreen>>();

  // Cached as promises so concurrent creates for one project ask once; a failure is not cached.
  function remember<V>(cache: Map<string, Promise<V>>, key: string, load: () => Promise<V>): Promise<V> {
    const cached = cache.get(key);
    if (cached) return cached;
    const loading = load();
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
    return loading;
  }

  function typesOf(project: string): Promise<readonly CreateMetaIssueType[]> {
    return remember(types, project, () =>
      deps.call(
        (jira) => jira.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey: project, maxResults: CREATE_META_PAGE }),
        createMetaIssueTypes,
        { action: `read the issue types of project ${project}`, permission: "Create issues" },
      ),
    );
  }

  return {
    async subtaskType(project) {
      const subtask = (await typesOf(project)).find((type) => type.subtask === true);
      if (!subtask) throw new NoSubtaskIssueType(project);
      return { id: subtask.id, name: subtask.name };
    },

    async storyType(project) {
      const story = (await typesOf(project)).find(
        (type) => type.subtask !== true && (type.untranslatedName ?? type.name).trim().toLowerCase() === "story",
      );
      return story ? { id: story.id, name: story.name } : null;
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
        return new Map(createFields.map((field) => [field.fieldId, field]));
      });
    },
  };
}
