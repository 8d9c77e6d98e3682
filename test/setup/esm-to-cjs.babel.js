// Nest 12 ships ES modules; Node 20 loads them with require(esm), but Jest's CJS runtime cannot (it needs Node 24.9+).
// Tests therefore compile those node_modules to CommonJS; production runs them unchanged.
// `const require = createRequire(import.meta.url)` would shadow CommonJS's own require: drop it.
const dropCreateRequire = () => ({
  visitor: {
    VariableDeclarator(path) {
      const { id, init } = path.node;
      if (
        id.type === 'Identifier' &&
        id.name === 'require' &&
        init &&
        init.type === 'CallExpression' &&
        init.callee.name === 'createRequire'
      )
        path.remove();
    },
  },
});
module.exports = {
  plugins: [
    dropCreateRequire,
    'babel-plugin-transform-import-meta',
    '@babel/plugin-transform-dynamic-import',
    ['@babel/plugin-transform-modules-commonjs', { importInterop: 'node' }],
  ],
};
