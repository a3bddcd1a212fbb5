// A browser-like global scope from jsdom, set up before React and Testing Library load (import
// this module first). jsdom has no IntersectionObserver, like old browsers: tests that need one
// install a fake.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", {
  url: "http://localhost/",
  pretendToBeVisual: true,
});
const { window } = dom;
globalThis.window = window;
for (const key of Object.getOwnPropertyNames(window)) {
  if (key in globalThis) continue;
  Object.defineProperty(globalThis, key, {
    configurable: true,
    get: () => window[key],
    set: (value) => {
      Object.defineProperty(globalThis, key, { configurable: true, writable: true, value });
    },
  });
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;
