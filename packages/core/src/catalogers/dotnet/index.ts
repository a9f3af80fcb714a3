export { dotnetDepsCataloger, dotnetPackagesLockCataloger } from './dotnet.js';
