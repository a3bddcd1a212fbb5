// An emulation of the browser entry of `upgrade-prompts` as the package layout describes it
// (the lean runtime), built over the Node entry so that it runs in Node: nothing works until
// `init()` has resolved (a second call returns the same promise; a failed one is tried again,
// as wasm-bindgen's glue does), and the constructor takes compiled bytes only, refusing a
// config with a ConfigError coded `needs_authoring`.
import { PromptEngine as NodeEngine } from "upgrade-prompts";

export { PromptSession } from "upgrade-prompts";

/** What the tests steer and read: init calls, and whether the next init fails. */
export const runtime = { inits: 0, failNextInit: false, ready: false };

let initializing;

export default function init() {
  runtime.inits += 1;
  if (initializing === undefined) {
    const fail = runtime.failNextInit;
    runtime.failNextInit = false;
    const promise = new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
      if (fail) throw new Error("failed to fetch Wasm: 404 Not Found");
      runtime.ready = true;
    });
    promise.catch(() => {
      initializing = undefined;
    });
    initializing = promise;
  }
  return initializing;
}

export function configError(code, message) {
  const error = new Error(message);
  error.name = "ConfigError";
  error.errors = [{ code, message, path: [] }];
  return error;
}

export class PromptEngine extends NodeEngine {
  constructor(input, options) {
    if (!runtime.ready) {
      throw new Error("upgrade-prompts is not initialized: call `await init()` before using the engine");
    }
    if (!(input instanceof Uint8Array)) {
      throw configError("needs_authoring", "this entry reads compiled catalogs only; import `upgrade-prompts/authoring` for configs");
    }
    super(input, options);
  }
}
