// `init` and `initSync` of the browser entries: the .wasm is fetched once, checked before it is
// compiled (js/wasm-url.js), and the entry's classes are marked ready.

import { fetchWasm } from "./wasm-url.js";

/**
 * `init` and `initSync` over the glue's own (`initCore`, `initCoreSync`) for the classes of
 * `api` (from `bind`). `__WASM_FILE__` and `__WASM_PACKAGE_PATH__` are set per entry by
 * scripts/package.mjs: the .wasm beside the entry's module, and its path in the package.
 */
export function browserInit(initCore, initCoreSync, api) {
  let started;
  /**
   * Fetches and instantiates the wasm (once: later calls return the same promise). `input` is
   * what the glue takes: `{ module_or_path }` with a URL, a `Response`, bytes or a compiled
   * `WebAssembly.Module`. By default the .wasm beside this module, checked first: a dev server
   * that answers with a page (Vite 5-7 pre-bundling moves this module away from its .wasm) is
   * retried at the package's own copy, else refused with an error naming the fix.
   */
  function init(input) {
    const wasm = input ?? {
      // @ts-ignore: defined at bundle time
      module_or_path: fetchWasm(new URL(__WASM_FILE__, import.meta.url), { packagePath: __WASM_PACKAGE_PATH__ }),
    };
    started ??= initCore(wasm).then(
      () => {
        api.ready();
      },
      (e) => {
        started = undefined;
        throw e;
      },
    );
    return started;
  }
  /** Instantiates the wasm from its bytes or a compiled module, synchronously. */
  function initSync(module) {
    initCoreSync(module);
    api.ready();
  }
  return { init, initSync };
}
