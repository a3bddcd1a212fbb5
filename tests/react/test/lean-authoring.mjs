// An emulation of `upgrade-prompts/authoring` in browsers (see lean-runtime.mjs): its own
// `init()`, after which it reads configs and compiled bytes.
import { PromptEngine as NodeEngine } from "upgrade-prompts";

export { PromptSession, validateConfig, defineConfig } from "upgrade-prompts";

/** What the tests steer and read. */
export const authoring = { inits: 0, failNextInit: false, ready: false };

let initializing;

export default function init() {
  authoring.inits += 1;
  if (initializing === undefined) {
    const fail = authoring.failNextInit;
    authoring.failNextInit = false;
    const promise = new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
      if (fail) throw new Error("failed to fetch Wasm: 404 Not Found");
      authoring.ready = true;
    });
    promise.catch(() => {
      initializing = undefined;
    });
    initializing = promise;
  }
  return initializing;
}

export class PromptEngine extends NodeEngine {
  constructor(input, options) {
    if (!authoring.ready) {
      throw new Error("upgrade-prompts/authoring is not initialized: call `await init()` before using the engine");
    }
    super(input, options);
  }
}
