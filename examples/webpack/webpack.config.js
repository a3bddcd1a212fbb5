// The whole setup webpack 5 needs: the package's `new URL("…_bg.wasm", import.meta.url)` is
// emitted as an asset by webpack itself, so no wasm loader or copy step is configured.
const HtmlWebpackPlugin = require("html-webpack-plugin");

module.exports = {
  entry: "./src/index.js",
  output: { clean: true },
  plugins: [new HtmlWebpackPlugin({ title: "upgrade-prompts with webpack" })],
};
