import { guarded, MiB } from '../lang-common/output.js';
import type { CatalogFile, Cataloger } from '../types.js';
import { compositeStepUses, readUses, workflowJobUses, workflowStepUses } from './workflow.js';

const WORKFLOWS = ['**/.github/workflows/*.yaml', '**/.github/workflows/*.yml'];
const COMPOSITE_ACTIONS = ['**/.github/actions/*/action.yml', '**/.github/actions/*/action.yaml'];

/** `…/.github/actions/<name>/action.y(a)ml`; every other selected file is a workflow. */
const COMPOSITE_ACTION_PATH = /\/\.github\/actions\/[^/]+\/action\.ya?ml$/;

/**
 * Actions a repository's workflows and composite actions run (`steps[].uses`), as Syft's
 * `github-actions-usage-cataloger` reports them: type `github-action`, purl `pkg:github/owner/repo@ref`.
 */
export const githubActionsUsageCataloger: Cataloger = {
  id: 'github-actions-usage-cataloger',
  version: 1,
  packageTypes: ['github-action', 'github-action-workflow'],
  selector: { globs: [...WORKFLOWS, ...COMPOSITE_ACTIONS] },
  maxFileSize: 2 * MiB,
  parse: (file: CatalogFile) =>
    guarded(file.path, () =>
      COMPOSITE_ACTION_PATH.test(file.path)
        ? readUses(file.path, file.content, compositeStepUses, 'composite action', 'composite action')
        : readUses(file.path, file.content, workflowStepUses, 'workflow', 'workflow'),
    ),
};

/**
 * Reusable workflows a repository's workflows call (`jobs.<id>.uses`), as Syft's
 * `github-action-workflow-usage-cataloger` reports them: type `github-action-workflow`, purl
 * `pkg:github/owner/repo@ref#.github/workflows/file.yml`.
 */
export const githubActionWorkflowUsageCataloger: Cataloger = {
  id: 'github-action-workflow-usage-cataloger',
  version: 1,
  packageTypes: ['github-action-workflow', 'github-action'],
  selector: { globs: WORKFLOWS },
  maxFileSize: 2 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => readUses(file.path, file.content, workflowJobUses, 'workflow', 'workflow')),
};
