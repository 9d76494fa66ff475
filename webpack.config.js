// Webpack bundles: the extension (vscode external), the CLI (with a shebang) and the stdio debug adapter.
const path = require('path');
const webpack = require('webpack');

const common = {
  target: 'node20',
  devtool: 'source-map',
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{ test: /\.ts$/, exclude: /node_modules/, use: { loader: 'ts-loader', options: { transpileOnly: true } } }],
  },
  node: { __dirname: false, __filename: false },
  // Native or optional modules stay outside the bundle and load from node_modules at run time.
  externals: {
    vscode: 'commonjs vscode',
    'better-sqlite3': 'commonjs better-sqlite3',
    bufferutil: 'commonjs bufferutil',
    'utf-8-validate': 'commonjs utf-8-validate',
    'playwright-core': 'commonjs playwright-core',
  },
  output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', libraryTarget: 'commonjs2' },
  performance: { hints: false },
};

module.exports = [
  { ...common, name: 'extension', entry: { extension: './src/extension/extension.ts' } },
  {
    ...common,
    name: 'cli',
    entry: { outpost: './src/cli/main.ts', debugAdapter: './src/debug/adapterMain.ts' },
    plugins: [
      new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true, test: /outpost\.js$/ }),
    ],
  },
];
