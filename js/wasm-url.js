// Fetches an entry's .wasm for the browser init, and turns "that URL answered something other
// than WebAssembly" into an error that says why, instead of wasm-bindgen's
// "WebAssembly.instantiate(): expected magic word 00 61 73 6d".
//
// The case this is for: the dev server of Vite 5, 6 and 7 pre-bundles dependencies with esbuild
// into `node_modules/.vite/deps/` and leaves `new URL("x_bg.wasm", import.meta.url)` as it is,
// so the URL names `node_modules/.vite/deps/x_bg.wasm`, a file that does not exist; the dev
// server answers with index.html (200, text/html). The package's own copy is still served at
// `node_modules/<package>/…` beside the deps folder, so `fetchWasm` fetches it from there.
// (Vite 8 rewrites such URLs in pre-bundled deps itself, and `vite build` and webpack emit the
// file, so there the first fetch succeeds; no package.json field opts a package out of
// pre-bundling: only the app's `optimizeDeps.exclude` does.)
//
// Plain JavaScript, no imports, nothing run at import time. Only `new URL(…, defaultUrl)`,
// never `import.meta.url`, so bundlers see no asset reference here: the caller's own
// `new URL("<file>", import.meta.url)` literal stays the one they emit or rewrite.

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A Vite dev server's pre-bundled-deps folder in a URL path, with everything before it. */
const VITE_DEPS_RE = /^(.*\/)node_modules\/\.vite\/deps(?:_[^/]*)?\/[^/]*$/;

/**
 * The package name at the start of a path inside node_modules
 * (`"@scope/name/x.wasm"` → `"@scope/name"`, `"name/sub/x.wasm"` → `"name"`).
 * @param {string} packagePath
 * @returns {string}
 */
function packageNameOf(packagePath) {
  const parts = packagePath.split("/");
  return parts[0].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Where a Vite dev server serves the package's own copy of the wasm when the default URL points
 * into its pre-bundled deps folder (`…/node_modules/.vite/deps/`): the same prefix (origin and
 * Vite `base`) followed by `node_modules/<packagePath>`. `undefined` for any other URL.
 *
 * @param {URL | string} defaultUrl The URL the glue would fetch (`new URL("<file>", import.meta.url)`).
 * @param {string} packagePath The wasm's path inside node_modules, e.g.
 *   `"upgrade-prompts/upgrade_prompts_bg.wasm"` or `"upgrade-prompts/audience/upgrade_prompts_audience_bg.wasm"`.
 * @returns {URL | undefined}
 */
export function viteDepsFallbackUrl(defaultUrl, packagePath) {
  const url = new URL(defaultUrl);
  const m = VITE_DEPS_RE.exec(url.pathname);
  if (m === null) return undefined;
  return new URL(`${m[1]}node_modules/${packagePath}`, url);
}

/**
 * What is wrong with a response that should hold a .wasm file, or `undefined` if it does:
 * not ok (HTTP status), an HTML page (content-type text/html), or first bytes other than
 * `\0asm`. Reads at most the first chunk of a clone, so `response` itself stays unread and can
 * still be given to `WebAssembly.instantiateStreaming`.
 *
 * @param {Response} response
 * @returns {Promise<string | undefined>}
 */
export async function wasmResponseProblem(response) {
  if (!response.ok) return `HTTP ${response.status}${response.statusText ? " " + response.statusText : ""}`;
  const type = response.headers.get("content-type") ?? "";
  if (/^\s*text\/html\b/i.test(type)) return `an HTML page (content-type ${type})`;
  if (response.body === null) return "an empty body";
  const reader = response.clone().body.getReader();
  const first = [];
  try {
    while (first.length < WASM_MAGIC.length) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const b of value.subarray(0, WASM_MAGIC.length - first.length)) first.push(b);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (WASM_MAGIC.every((b, i) => first[i] === b)) return undefined;
  const hex = first.map((b) => b.toString(16).padStart(2, "0")).join(" ");
  const text = String.fromCharCode(...first.map((b) => (b >= 0x20 && b < 0x7f ? b : 0x2e)));
  return first.length === 0
    ? `an empty body${type ? ` (content-type ${type})` : ""}`
    : `bytes ${hex} ("${text}") where a .wasm file starts with 00 61 73 6d${type ? ` (content-type ${type})` : ""}`;
}

/**
 * The error for a .wasm URL that answered something else. When the URL is in a Vite dev
 * server's pre-bundled deps folder, or the answer was a page, the message names Vite's one-line
 * fix for `packageName`.
 *
 * @param {string} packageName e.g. `"upgrade-prompts"`
 * @param {URL | string} url The URL that was fetched.
 * @param {string} problem What `wasmResponseProblem` said.
 * @param {{ url: URL | string, problem: string }} [fallback] A second URL fetched after `url`,
 *   and what it answered.
 * @returns {Error}
 */
export function wasmUrlError(packageName, url, problem, fallback) {
  let inViteDeps = false;
  try {
    inViteDeps = VITE_DEPS_RE.test(new URL(url).pathname);
  } catch {}
  let msg = `${packageName}: could not load its WebAssembly: ${String(url) || "the response"} answered ${problem}`;
  if (fallback !== undefined) msg += `, and ${fallback.url} answered ${fallback.problem}`;
  msg += ". ";
  const fix = `add \`optimizeDeps: { exclude: [${JSON.stringify(packageName)}] }\` to vite.config and restart the dev server`;
  if (inViteDeps) {
    msg += `Vite's dev server pre-bundled ${packageName} into node_modules/.vite/deps/ without its .wasm: ${fix}.`;
  } else {
    msg += `Serve the package's .wasm file at that URL, or pass its URL to init({ module_or_path }).`;
    if (/HTML|"</.test(problem)) msg += ` With Vite's dev server: ${fix}.`;
  }
  const error = new Error(msg);
  error.name = "WasmLoadError";
  return error;
}

/**
 * Checks that `response` holds a .wasm file and returns it unread; otherwise throws the error
 * of `wasmUrlError` (which names Vite's `optimizeDeps.exclude` fix when that is the cause).
 *
 * @param {Response} response A fetched response, not yet read.
 * @param {URL | string} [url] The URL it was fetched from (defaults to `response.url`).
 * @param {string} [packageName] For the message; defaults to `"upgrade-prompts"`.
 * @returns {Promise<Response>} `response`, for `WebAssembly.instantiateStreaming` or the glue.
 */
export async function checkWasmResponse(response, url = response.url, packageName = "upgrade-prompts") {
  const problem = await wasmResponseProblem(response);
  if (problem !== undefined) throw wasmUrlError(packageName, url, problem);
  return response;
}

/**
 * Fetches the wasm for init: `defaultUrl`, and if that answers something other than
 * WebAssembly while it points into a Vite dev server's pre-bundled deps folder (Vite 5–7
 * without `optimizeDeps.exclude`), the package's own copy at `…/node_modules/<packagePath>`.
 * Resolves to a checked, unread `Response` to pass to the glue as `module_or_path` (the glue
 * awaits a promise there, and streams a `Response`); rejects with a `WasmLoadError` whose
 * message names the fix when neither URL holds the wasm.
 *
 * @param {URL | string} defaultUrl The glue's default: `new URL("<file>_bg.wasm", import.meta.url)`,
 *   written as that literal in the shipped module that sits beside the .wasm.
 * @param {object} options
 * @param {string} options.packagePath The wasm's path inside node_modules, e.g.
 *   `"upgrade-prompts/upgrade_prompts_bg.wasm"`.
 * @param {typeof fetch} [options.fetch] The fetch to use (default: the global `fetch`).
 * @returns {Promise<Response>}
 */
export async function fetchWasm(defaultUrl, { packagePath, fetch: fetchFn = globalThis.fetch }) {
  if (typeof packagePath !== "string" || packagePath === "") throw new TypeError("fetchWasm: options.packagePath is required");
  const packageName = packageNameOf(packagePath);
  const response = await fetchFn(defaultUrl);
  const problem = await wasmResponseProblem(response);
  if (problem === undefined) return response;
  const fallback = viteDepsFallbackUrl(defaultUrl, packagePath);
  if (fallback === undefined) throw wasmUrlError(packageName, defaultUrl, problem);
  response.body?.cancel().catch(() => {});
  let second;
  try {
    second = await fetchFn(fallback);
  } catch (e) {
    throw wasmUrlError(packageName, defaultUrl, problem, { url: fallback, problem: `a network error (${e?.message ?? e})` });
  }
  const secondProblem = await wasmResponseProblem(second);
  if (secondProblem === undefined) return second;
  second.body?.cancel().catch(() => {});
  throw wasmUrlError(packageName, defaultUrl, problem, { url: fallback, problem: secondProblem });
}
