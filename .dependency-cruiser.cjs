// The import rules of the architecture (docs/ARCHITECTURE.md, "Rules"), checked by test/dependency-rules.test.ts
// over every file in src/ and web/src/. By hand:
//   npx depcruise --config .dependency-cruiser.cjs $(find src web/src -name '*.ts' -o -name '*.tsx')
// (files, not folders: dependency-cruiser only scans folders for extensions it can parse itself, and its own
// TypeScript reader needs the compiler API TypeScript 7 no longer has; see .dependency-cruiser-imports.cjs).
//
// The layers, from the bottom:
//   src/core      pure: the entry, logs, proofs, line state, policy. Imports only itself and a few pure libraries.
//   src/wire      the API's words (constants, views, schemas). Imports only core and @sinclair/typebox.
//   src/node      node:crypto behind the core's Crypto interface.
//   src/station   a running station, itself layered (downward only):
//                   serve.ts, replica/           composition: what runs on each replica, and only on the leader
//                   api/                         HTTP: routes call commands, presenters and the services
//                   commands/, scheduler.ts, …   writes as members ask for them (and the scheduler's)
//                   station.ts                   the assembly of the services below
//                   link/, sign-in/, recovery/, appender.ts, auth.ts, … the services
//                   presenters/                  store rows → wire views (read only)
//                   storage/                     SQLite and PostgreSQL behind one Store (and config.ts beneath it)
//   src/witness   a witness: shares the station's config, admission and SQLite opening.
//   src/cli       the hotline command: may use the station's lower layers locally, never its HTTP layer.
//   web/src       the console, in the browser: from the server side it imports only src/wire.
//
// Test code (*.test.ts, *.test-support.ts, *.suite.ts, test/) is exempt from the layer rules (a test reaches into
// any layer to set one up), not from the rule against cycles.
const TEST = '(\\.test\\.tsx?|\\.test-support\\.ts|\\.suite\\.ts)$|^test/';
// Pure libraries the core may use: no I/O, no clock, no randomness of their own.
const CORE_LIBRARIES = '^node_modules/(canonicalize|@sinclair/typebox|@turf/(boolean-intersects|circle|helpers|distance)|luxon)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one: neither can be understood, tested or moved without the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'The core is pure (no node: builtins, no I/O): the CLI, the console and tests run the same verification code.',
      from: { path: '^src/core/', pathNot: TEST },
      to: { pathNot: ['^src/core/', CORE_LIBRARIES] },
    },
    {
      name: 'wire-imports-only-core-and-typebox',
      severity: 'error',
      comment: 'The wire is what the console imports: pure like the core, and its schemas are TypeBox.',
      from: { path: '^src/wire/', pathNot: TEST },
      to: { pathNot: ['^src/wire/', '^src/core/', '^node_modules/@sinclair/typebox/'] },
    },
    {
      name: 'node-imports-only-core',
      severity: 'error',
      from: { path: '^src/node/', pathNot: TEST },
      to: { path: '^src/', pathNot: ['^src/node/', '^src/core/'] },
    },
    {
      name: 'console-imports-only-wire',
      severity: 'error',
      comment: 'The console takes the wire\'s words from src/wire and nothing else of the server (src/wire may use src/core: that is the wire\'s business, not the console\'s).',
      from: { path: '^web/src/', pathNot: TEST },
      to: { path: '^(src|test|bin|scripts)/', pathNot: '^src/wire/' },
    },
    {
      name: 'server-imports-only-src',
      severity: 'error',
      comment: 'The station, the CLI and the witness are src/ and their packages: not the console, the scripts or the benchmarks.',
      from: { path: '^src/' },
      to: { path: '^(web|bin|scripts|bench)/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'The CLI is the top: whatever it has that others need belongs in a lower layer.',
      from: { path: '^src/', pathNot: ['^src/cli/', TEST] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-not-to-station-api',
      severity: 'error',
      comment: 'The CLI talks to a station over HTTP like any client (src/cli/client.ts); it does not load the station\'s HTTP layer.',
      from: { path: '^src/cli/', pathNot: TEST },
      to: { path: '^src/station/api/' },
    },
    {
      name: 'only-tests-import-tests',
      severity: 'error',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
    {
      name: 'station-api-is-the-top',
      severity: 'error',
      comment: 'Only the composition root (serve.ts) and the API itself import the HTTP layer: the services below it know nothing of HTTP.',
      from: { path: '^src/(station|witness)/', pathNot: ['^src/station/api/', '^src/station/serve\\.ts$', TEST] },
      to: { path: '^src/station/api/' },
    },
    {
      name: 'station-composition-is-the-top',
      severity: 'error',
      comment: 'serve.ts and replica/leader-parts.ts assemble a running station; nothing inside the station imports them.',
      from: { path: '^src/(station|witness)/', pathNot: ['^src/station/serve\\.ts$', '^src/station/replica/', TEST] },
      to: { path: ['^src/station/serve\\.ts$', '^src/station/replica/leader-parts\\.ts$'] },
    },
    {
      name: 'station-commands-below-api',
      severity: 'error',
      comment: 'Commands are the writes a member or the scheduler asks for; they answer with entries, not with views or HTTP.',
      from: { path: '^src/station/commands/', pathNot: TEST },
      to: { path: '^src/station/(presenters|api|replica|link)/' },
    },
    {
      name: 'station-presenters-read-only',
      severity: 'error',
      comment: 'Presenters turn what the store holds into wire views: they read (storage) and never write (commands, appender) or serve.',
      from: { path: '^src/station/presenters/', pathNot: TEST },
      to: { path: '^src/station/', pathNot: ['^src/station/(presenters|storage)/'] },
    },
    {
      name: 'station-storage-is-the-bottom',
      severity: 'error',
      comment: 'The store holds rows; it knows nothing of what the station does with them (only its own config).',
      from: { path: '^src/station/storage/', pathNot: TEST },
      to: { path: '^src/station/', pathNot: ['^src/station/storage/', '^src/station/(config|json-config)\\.ts$'] },
    },
    {
      name: 'station-link-below-api',
      severity: 'error',
      comment: 'The peer link speaks the link protocol, not the member API: no routes, commands or presenters.',
      from: { path: '^src/station/link/', pathNot: TEST },
      to: { path: '^src/station/(api|commands|presenters|replica)/' },
    },
    {
      name: 'runtime-not-to-dev-dependencies',
      severity: 'error',
      comment: 'A production install (npm ci --omit=dev) has no devDependencies: the station and the CLI must not need one.',
      from: { path: '^src/', pathNot: TEST },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Explicit `.ts` specifiers (allowImportingTsExtensions) and the console's `.tsx`.
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
    babelConfig: { fileName: '.dependency-cruiser-imports.cjs' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
