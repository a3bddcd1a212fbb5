// The audience entry in Node (ESM and CommonJS): instantiated at import from bytes held in a
// JS module, as the main Node entries are.
import bytes from "./wasm-inline.cjs";
import { initSync as initCoreSync } from "upgrade-prompts-core";
import * as core from "upgrade-prompts-core";
import { bind } from "../engine.js";
import { bindAudience } from "../audience.js";

const api = bind(core, { name: "upgrade-prompts/audience", configs: true, keepConfigs: true });
const audience = bindAudience(core, api);
initCoreSync({ module: Buffer.from(bytes, "base64") });
api.ready();

/** In Node the entry initializes itself when imported: resolves at once. */
export default async function init() {}

/** In Node the entry initializes itself when imported: a no-op. */
export function initSync() {}

export const { PromptEngine, PromptSession, ConfigError, validateConfig } = api;
export const { simulate, PromptSimulation, generate, generateContext, compile, contextVocabulary, csvRow, cliSimulate, cliAnalyze, analyzeEvents, CliGenerate, cliLint, cliWriteFailed } = audience;
export { defineConfig } from "../engine.js";
