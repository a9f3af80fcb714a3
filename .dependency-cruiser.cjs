// The package graph and import cycles, checked by `npm run lint:deps` (docs/dev/architecture.md).
//   model ← core ← {cli, server, runtime, admission, events};  dashboard ← model only;  nothing imports the cli.
// Each rule names the package folder with a pattern, so a new package is covered by the rule for its kind.
const pkg = (name) => `^packages/${name}/`;
const ours = '^packages/[^/]+/';
/** Only test files may import the test kit. */
const testFile = '(\\.test\\.ts$|/__fixtures__/|/testing/|/test-[^/]*\\.ts$|/conformance-helpers\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle between modules: make one of them depend on a lower module instead.', from: { path: ours }, to: { circular: true } },
    {
      name: 'model-imports-nothing-of-ours',
      severity: 'error',
      comment: '@sekisho/model is the data model everything shares: it imports no other package of ours.',
      from: { path: pkg('model') },
      to: { path: ours, pathNot: pkg('model') },
    },
    {
      name: 'core-imports-only-model',
      severity: 'error',
      comment: '@sekisho/core is the engine: it imports @sekisho/model only (the test kit from tests).',
      from: { path: pkg('core'), pathNot: testFile },
      to: { path: ours, pathNot: `${pkg('core')}|${pkg('model')}` },
    },
    {
      name: 'dashboard-imports-only-model',
      severity: 'error',
      comment: 'The dashboard renders what the server serves: it imports @sekisho/model only.',
      from: { path: pkg('dashboard') },
      to: { path: ours, pathNot: `${pkg('dashboard')}|${pkg('model')}` },
    },
    {
      name: 'services-import-core-and-model',
      severity: 'error',
      comment: 'server, runtime, admission and events import @sekisho/core and @sekisho/model only (the test kit from tests).',
      from: { path: '^packages/(server|runtime|admission|events)/', pathNot: testFile },
      to: { path: ours, pathNot: `^packages/$1/|${pkg('core')}|${pkg('model')}` },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is a leaf: what another package needs from it belongs in @sekisho/core.',
      from: { path: ours, pathNot: pkg('cli') },
      to: { path: pkg('cli') },
    },
    {
      name: 'testkit-only-from-tests',
      severity: 'error',
      comment: 'The test kit builds fixtures; shipped code never imports it.',
      from: { path: ours, pathNot: `${testFile}|${pkg('testkit')}` },
      to: { path: pkg('testkit') },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment:
        'An import that resolves to nothing. (rasp resolves the SQL drivers of the protected application from its directory, at run time; the `.js` specifiers of the dashboard name `.tsx` files, which Vite and tsc resolve and this resolver does not.)',
      from: { path: ours, pathNot: '^packages/(rasp/src/hooks/sql\\.ts$|dashboard/)' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-undeclared-dependency',
      severity: 'error',
      comment: 'A package imported without being declared in the nearest package.json.',
      from: { path: ours },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['@sekisho/source', 'import', 'types', 'default'], extensions: ['.ts', '.tsx', '.js', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
