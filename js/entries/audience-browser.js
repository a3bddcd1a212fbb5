// The audience entry for browsers and bundlers (`upgrade-prompts/audience`): the engine, plus
// simulate, generate and compile, over the audience build (`await init()` first).
import initCore, { initSync as initCoreSync } from "upgrade-prompts-core";
import * as core from "upgrade-prompts-core";
import { bind } from "../engine.js";
import { bindAudience } from "../audience.js";
import { browserInit } from "../init.js";

const api = bind(core, { name: "upgrade-prompts/audience", configs: true, keepConfigs: true });
const audience = bindAudience(core, api);

const { init, initSync } = browserInit(initCore, initCoreSync, api);
export { init as default, initSync };
export const { PromptEngine, PromptSession, ConfigError, validateConfig } = api;
export const { simulate, PromptSimulation, generate, generateContext, compile, contextVocabulary, csvRow, cliSimulate, cliAnalyze, analyzeEvents, CliGenerate, cliLint, cliWriteFailed } = audience;
export { defineConfig } from "../engine.js";
