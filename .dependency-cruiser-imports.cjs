// How dependency-cruiser reads this project's TypeScript (see .dependency-cruiser.cjs, options.babelConfig).
// Its own TypeScript support needs the TypeScript compiler API, which TypeScript 7 no longer has; Babel's parser
// (which dependency-cruiser already bundles support for) reads TypeScript and JSX. The TypeScript-stripping
// Babel plugin is not installed here, so this plugin hands dependency-cruiser what it needs and nothing else:
// one plain `import 'x'` per module a file names (type-only imports included: they tie layers together as much
// as any other), `export … from 'x'` likewise, and `import('x')` kept dynamic so that rules can tell it apart.
module.exports = {
  babelrc: false,
  configFile: false,
  plugins: [
    function importsOnly({ types: t }) {
      return {
        manipulateOptions(opts, parserOpts) {
          parserOpts.plugins.push('typescript');
          if (/\.tsx$/.test(opts.filename ?? '')) parserOpts.plugins.push('jsx');
        },
        visitor: {
          Program: {
            exit(program) {
              const statics = [];
              const dynamics = [];
              program.traverse({
                'ImportDeclaration|ExportNamedDeclaration|ExportAllDeclaration'(path) {
                  if (path.node.source) statics.push(path.node.source.value);
                },
                TSImportEqualsDeclaration(path) {
                  if (t.isTSExternalModuleReference(path.node.moduleReference)) statics.push(path.node.moduleReference.expression.value);
                },
                TSImportType(path) {
                  const arg = path.node.argument;
                  const value = arg?.value ?? arg?.literal?.value;
                  if (typeof value === 'string') statics.push(value);
                },
                CallExpression(path) {
                  const [first] = path.node.arguments;
                  if (t.isImport(path.node.callee) && t.isStringLiteral(first)) dynamics.push(first.value);
                },
                ImportExpression(path) {
                  if (t.isStringLiteral(path.node.source)) dynamics.push(path.node.source.value);
                },
              });
              program.node.body = [
                ...statics.map((s) => t.importDeclaration([], t.stringLiteral(s))),
                ...dynamics.map((s) => t.expressionStatement(t.callExpression(t.import(), [t.stringLiteral(s)]))),
              ];
              program.node.directives = [];
            },
          },
        },
      };
    },
  ],
};
