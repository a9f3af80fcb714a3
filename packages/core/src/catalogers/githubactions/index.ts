export { githubActionsUsageCataloger, githubActionWorkflowUsageCataloger } from './catalogers.js';
