// js/wasm-url.js: the wasm fetch of the browser init. A .wasm answer passes unread; an HTML page
// or other bytes are refused with a message naming the cause; a URL in a Vite dev server's
// pre-bundled deps folder falls back to the package's own copy in node_modules (what Vite 5–7
// need without `optimizeDeps.exclude`), keeping the Vite `base` prefix.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./helpers.mjs";

// Imported from its text: the repository's package.json has no "type": "module", so importing
// js/wasm-url.js by path would have Node warn that it reparsed the file as ES module.
const source = readFileSync(path.join(root, "js/wasm-url.js"), "utf8");
const { checkWasmResponse, fetchWasm, viteDepsFallbackUrl, wasmResponseProblem } = await import(
  "data:text/javascript;charset=utf-8," + encodeURIComponent(source)
);

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const HTML = "<!doctype html><html><body><div id=root></div></body></html>";
const PKG = "upgrade-prompts/upgrade_prompts_bg.wasm";
const FIX = 'optimizeDeps: { exclude: ["upgrade-prompts"] }';

const wasm = () => new Response(WASM, { headers: { "content-type": "application/wasm" } });
const page = () => new Response(HTML, { headers: { "content-type": "text/html" } });

/** A fetch over a table of URL → response maker, recording what was asked. */
function fakeFetch(table) {
  const asked = [];
  const fn = async (url) => {
    asked.push(String(url));
    const make = table[String(url)];
    return make ? make() : new Response("not found", { status: 404, statusText: "Not Found" });
  };
  return { fn, asked };
}

test("the fallback URL keeps the origin and base, and only applies in .vite/deps", () => {
  assert.equal(
    viteDepsFallbackUrl("http://localhost:5173/node_modules/.vite/deps/upgrade_prompts_bg.wasm", PKG)?.href,
    "http://localhost:5173/node_modules/upgrade-prompts/upgrade_prompts_bg.wasm",
  );
  assert.equal(
    viteDepsFallbackUrl(new URL("http://h/app/node_modules/.vite/deps/x_bg.wasm"), "@s/p/audience/x_bg.wasm")?.href,
    "http://h/app/node_modules/@s/p/audience/x_bg.wasm",
  );
  assert.equal(viteDepsFallbackUrl("http://h/node_modules/upgrade-prompts/upgrade_prompts_bg.wasm", PKG), undefined);
  assert.equal(viteDepsFallbackUrl("http://h/assets/upgrade_prompts_bg-abc.wasm", PKG), undefined);
});

test("a .wasm response passes, unread", async () => {
  const r = wasm();
  assert.equal(await wasmResponseProblem(r), undefined);
  assert.equal(await checkWasmResponse(r, "http://h/x.wasm"), r);
  assert.equal(r.bodyUsed, false);
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), WASM);
});

test("a .wasm served as octet-stream passes on its first bytes, even split over chunks", async () => {
  const body = new ReadableStream({
    start(c) {
      for (const b of WASM) c.enqueue(new Uint8Array([b]));
      c.close();
    },
  });
  const r = new Response(body, { headers: { "content-type": "application/octet-stream" } });
  assert.equal(await wasmResponseProblem(r), undefined);
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), WASM);
});

test("an HTML page, other bytes, an empty body and an HTTP error are refused", async () => {
  assert.match(await wasmResponseProblem(page()), /HTML page/);
  assert.match(await wasmResponseProblem(new Response("<!doctype html>")), /3c 21 64 6f \("<!do"\)/);
  assert.match(await wasmResponseProblem(new Response(new Uint8Array(0))), /empty body/);
  assert.match(await wasmResponseProblem(new Response("x", { status: 404, statusText: "Not Found" })), /HTTP 404 Not Found/);
  // A response made in code has no URL; the message still comes.
  await assert.rejects(checkWasmResponse(page()), /could not load its WebAssembly: the response answered an HTML page/);
  // A page served as text/plain is still recognised by its first bytes.
  await assert.rejects(checkWasmResponse(new Response("<!doctype html>"), "http://h/b.wasm"), (e) => e.message.includes(FIX));
  await assert.rejects(checkWasmResponse(page(), "http://h/a.wasm"), (e) => {
    assert.equal(e.name, "WasmLoadError");
    assert.match(e.message, /^upgrade-prompts: could not load its WebAssembly: http:\/\/h\/a\.wasm answered an HTML page/);
    assert.ok(e.message.includes(FIX), e.message);
    return true;
  });
});

test("outside Vite's deps folder: one fetch, no fallback, a clear error", async () => {
  const f = fakeFetch({ "http://h/assets/x.wasm": page });
  await assert.rejects(fetchWasm("http://h/assets/x.wasm", { packagePath: PKG, fetch: f.fn }), /answered an HTML page/);
  assert.deepEqual(f.asked, ["http://h/assets/x.wasm"]);
  const ok = fakeFetch({ "http://h/assets/x.wasm": wasm });
  const r = await fetchWasm(new URL("http://h/assets/x.wasm"), { packagePath: PKG, fetch: ok.fn });
  assert.equal(r.bodyUsed, false);
  assert.deepEqual(ok.asked, ["http://h/assets/x.wasm"]);
});

test("in Vite's deps folder (Vite 5-7 pre-bundling): falls back to the package's copy", async () => {
  const deps = "http://localhost:5173/node_modules/.vite/deps/upgrade_prompts_bg.wasm";
  const own = "http://localhost:5173/node_modules/upgrade-prompts/upgrade_prompts_bg.wasm";
  const f = fakeFetch({ [deps]: page, [own]: wasm });
  const r = await fetchWasm(deps, { packagePath: PKG, fetch: f.fn });
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), WASM);
  assert.deepEqual(f.asked, [deps, own]);
});

test("in Vite's deps folder with no copy to fall back to: the error names the one-line fix", async () => {
  const deps = "http://h/node_modules/.vite/deps/upgrade_prompts_bg.wasm";
  const f = fakeFetch({ [deps]: page });
  await assert.rejects(fetchWasm(deps, { packagePath: PKG, fetch: f.fn }), (e) => {
    assert.ok(e.message.includes("pre-bundled upgrade-prompts into node_modules/.vite/deps/"), e.message);
    assert.ok(e.message.includes(FIX), e.message);
    assert.ok(e.message.includes("and http://h/node_modules/upgrade-prompts/upgrade_prompts_bg.wasm answered HTTP 404 Not Found"), e.message);
    return true;
  });
  const thrown = fakeFetch({});
  thrown.fn = async (url) => {
    if (String(url) === deps) return page();
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(fetchWasm(deps, { packagePath: "@scope/pkg/x_bg.wasm", fetch: thrown.fn }), (e) => {
    assert.ok(e.message.includes('optimizeDeps: { exclude: ["@scope/pkg"] }'), e.message);
    assert.ok(e.message.includes("answered a network error (Failed to fetch)"), e.message);
    return true;
  });
});

test("packagePath is required", async () => {
  await assert.rejects(fetchWasm("http://h/x.wasm", {}), TypeError);
});
