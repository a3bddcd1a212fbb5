// The browser and bundler entries (`upgrade-prompts`: the runtime, which loads compiled
// catalogs; `upgrade-prompts/authoring`: also configs and `validateConfig`). Bundled by
// scripts/package.mjs with the wasm-bindgen glue of that entry's build as `upgrade-prompts-core`.
import initCore, { initSync as initCoreSync } from "upgrade-prompts-core";
import * as core from "upgrade-prompts-core";
import { bind } from "../engine.js";
import { browserInit } from "../init.js";

const api = bind(core, { name: "upgrade-prompts", configs: typeof core.validateText === "function" });

const { init, initSync } = browserInit(initCore, initCoreSync, api);
export { init as default, initSync };
export const { PromptEngine, PromptSession, ConfigError, validateConfig } = api;
export { defineConfig } from "../engine.js";
