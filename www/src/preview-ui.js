// The playground's preview drawn with the package's own components (js/react.js: Callout,
// UsageMeter), so that what a designer sees is what ships. Bundled by scripts/www-bundles.mjs
// into www/build/preview-ui.js with React; `upgrade-prompts` stays external (the page's import
// map). The page calls `renderPreviewCallouts` and `renderPreviewMeters` with the answers it
// already has: the components read them through a small engine over the page's engine (the
// same session answers, and `record` of the page's engine), whatever that engine can do.
import { createElement as h, Fragment } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { Callout, UpgradePromptsProvider, UsageMeter, calloutWords, meterState } from "../../js/react.js";

/** One React root per element of the page, made on first use. */
const roots = new WeakMap();

function rootOf(element) {
  let root = roots.get(element);
  if (root === undefined) {
    root = createRoot(element);
    roots.set(element, root);
  }
  return root;
}

/** Renders now, so that the page reads the new preview right after the call. */
function show(element, content) {
  const root = rootOf(element);
  flushSync(() => root.render(content));
}

const NOT_RECORDED = Object.freeze({ recorded: false, error: { code: "no_record", message: "this engine build cannot record events", path: [] } });

/**
 * An engine for the provider that answers with the page's answers (`featureChecks`,
 * `usageChecks`, `evaluation`) and records through the page's engine.
 */
function answering(engine, view) {
  const session = {
    checkFeature: (id) => view.featureChecks?.[id] ?? engine.checkFeature?.(id, view.context),
    checkUsage: (id) => view.usageChecks?.[id] ?? engine.checkUsage?.(id, view.context),
    evaluate: () => view.evaluation ?? { callouts: view.callouts ?? [], suppressed: [], errors: [], warnings: [] },
    free() {},
  };
  return {
    session: () => session,
    record: (event) => (typeof engine.record === "function" ? engine.record(event) : NOT_RECORDED),
  };
}

function provided(engine, view, children) {
  return h(UpgradePromptsProvider, { engine: answering(engine, view), context: view.context }, children);
}

/**
 * Draws callouts into the page's slots with `Callout`.
 *
 * @param {object} view `{ engine, context, evaluation, featureChecks, usageChecks }`
 * @param {{ slot: Element, callouts: object[], layout?: string, group?: (callout, element) => unknown }[]} slots
 *   where each list goes; `group` wraps each callout (e.g. with a placement name)
 * @param {object} options `{ meta(callout), dismissible(callout), onCta, onDismiss }`
 */
export function renderPreviewCallouts(view, slots, options) {
  for (const { slot, callouts, layout, group } of slots) {
    const items = callouts.map((c) => {
      const card = h(Callout, {
        key: c.id,
        callout: c,
        layout,
        meta: options.meta?.(c),
        dismissible: options.dismissible?.(c) ?? true,
        // The playground records impressions only when asked (its "Simulate host event").
        impression: false,
        onCta: options.onCta,
        onDismiss: options.onDismiss,
        "data-testid": `callout-${c.id}`,
        "data-rule": c.rule,
        "data-placement": c.placement,
      });
      return group ? h(Fragment, { key: c.id }, group(c, card)) : card;
    });
    show(slot, provided(view.engine, view, items));
  }
}

/**
 * Draws one `UsageMeter` per metric into `element`, under `title`; `extra(id)` is shown under
 * a meter (its windows, its projection), `empty` when there is no metric.
 *
 * @param {object} view `{ engine, context, usageChecks, config }`
 * @param {Element} element
 * @param {{ title: string, empty: string, extra?: (id: string) => unknown }} words
 */
export function renderPreviewMeters(view, element, words) {
  const ids = Object.keys(view.usageChecks ?? {});
  const meters = ids.map((id) =>
    h(UsageMeter, { key: id, metric: id, label: view.config.metrics?.[id]?.label || id, "data-testid": `meter-${id}` }, words.extra?.(id)));
  show(element, provided(view.engine, view, [
    h("h3", { key: "title", className: "meters-title" }, words.title),
    ids.length ? h("div", { key: "grid", className: "meter-grid" }, meters) : h("p", { key: "empty", className: "muted" }, words.empty),
  ]));
}

export { calloutWords, h, meterState };
