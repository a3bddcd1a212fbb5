// The audience entry's additions (`upgrade-prompts/audience`): simulate, generate and compile
// from the audience build, guarded until the wasm is instantiated; `simulate` and
// `engine.simulation()` also take an engine of this entry (its config and recorded state).

/** `Class` whose constructor first checks that the wasm is instantiated. */
function guardClass(Class, api, notInitialized) {
  return class extends Class {
    constructor(...args) {
      if (!api.isReady()) throw notInitialized();
      super(...args);
    }
  };
}

/** Adds the audience functions to `api` (from `bind`) over the audience glue `core`. */
export function bindAudience(core, api) {
  const { PromptEngine } = api;
  const notInitialized = () =>
    new Error("upgrade-prompts/audience is not initialized: call `await init()` (the entry's default export) before using it; in Node the entry initializes itself when imported");
  const guard = (f) =>
    function (...args) {
      if (!api.isReady()) throw notInitialized();
      return f.apply(this, args);
    };
  /** The config an engine was built from (an engine from compiled bytes has none). */
  const configOf = (engine) => {
    if (engine.__config === undefined) {
      throw new TypeError("this engine was loaded from a compiled catalog; simulate takes the config it was compiled from");
    }
    return engine.__config;
  };
  const withState = (engine, options) => ({ ...(options ?? {}), state: engine.exportState() });

  class PromptSimulation extends core.PromptSimulation {
    /** Starts a simulation of a config (object or JSON text) or of an engine of this entry. */
    constructor(config, options) {
      if (!api.isReady()) throw notInitialized();
      if (config instanceof PromptEngine) super(configOf(config), withState(config, options));
      else super(config, options);
    }
  }
  for (const key of ["add", "addGenerated", "addInvalid", "report", "finish"]) {
    const d = Object.getOwnPropertyDescriptor(core.PromptSimulation.prototype, key);
    if (d && typeof d.value === "function") {
      Object.defineProperty(PromptSimulation.prototype, key, { ...d, value: guard(d.value) });
    }
  }

  const simulate = guard((config, contexts, options) =>
    config instanceof PromptEngine
      ? core.simulate(configOf(config), contexts, withState(config, options))
      : core.simulate(config, contexts, options));
  PromptEngine.prototype.simulate = function (contexts, options) {
    return simulate(this, contexts, options);
  };
  PromptEngine.prototype.simulation = function simulation(options) {
    return new PromptSimulation(this, options);
  };
  return {
    simulate,
    PromptSimulation,
    generate: guard(core.generate),
    generateContext: guard(core.generateContext),
    compile: guard(core.compile),
    contextVocabulary: guard(core.contextVocabulary),
    csvRow: guard(core.csvRow),
    // The command-line tool's commands over files already read (the npm bin, js/cli/).
    cliSimulate: guard(core.cliSimulate),
    cliAnalyze: guard(core.cliAnalyze),
    // `analyze` over a log read piece by piece (the playground's Results tab).
    analyzeEvents: guard(core.analyzeEvents),
    CliGenerate: guardClass(core.CliGenerate, api, notInitialized),
    cliLint: guard(core.cliLint),
    cliWriteFailed: guard(core.cliWriteFailed),
  };
}
