// Worker of mapping.test.mjs: times toEngineContext over flat contexts, so that the test can
// stop a run that is far too slow instead of waiting for it on its own thread.
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";

// A collection before each sample, so that no sample pays for the garbage of an earlier one.
v8.setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc");

const { toEngineContext } = await import(process.env.UPGRADE_PROMPTS_OPENFEATURE ?? "./openfeature.js");

/** `size` dotted keys under one parent (`account.k0`, `account.k1`, …): each sets a member of
 * the same object, the shape where copying the parent for every key costs size² copies. */
function flatContext(size) {
  const context = { targetingKey: "acct_1" };
  for (let i = 0; i < size; i += 1) context[`account.k${i}`] = i;
  return context;
}

const contexts = new Map();

// { size, reps } → { ms } for `reps` mappings of one context of `size` keys (the context is
// built once, before the clock starts).
parentPort.on("message", ({ size, reps }) => {
  if (!contexts.has(size)) contexts.set(size, flatContext(size));
  const context = contexts.get(size);
  collect();
  let members = 0;
  const start = performance.now();
  for (let r = 0; r < reps; r += 1) members = Object.keys(toEngineContext(context).account).length;
  const ms = performance.now() - start;
  parentPort.postMessage({ ms, members });
});
parentPort.postMessage({ ready: true });
