// Module resolution hooks for lean-runtime.test.mjs: the binding under test (a file named
// react.js) gets the emulated lean entries below instead of the package's Node entries.
const emulated = {
  "upgrade-prompts": new URL("./lean-runtime.mjs", import.meta.url).href,
  "upgrade-prompts/authoring": new URL("./lean-authoring.mjs", import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  const parent = (context.parentURL ?? "").split("?")[0];
  if (parent.endsWith("/react.js") && Object.hasOwn(emulated, specifier)) {
    return { url: emulated[specifier], shortCircuit: true };
  }
  return next(specifier, context);
}
