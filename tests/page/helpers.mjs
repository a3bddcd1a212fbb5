// Helpers shared by the page tests (tests/page/run.mjs and the case files it imports).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SHOTS = resolve(ROOT, "build/screenshots");

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Polls `fn` until it returns a truthy value; a throw counts as "not yet". */
export async function until(fn, message, timeout = 5000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out: ${message}${last instanceof Error ? ` (${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const byId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Records the page's console errors and uncaught errors in `ctx.errors` (each case fails on any). */
export function recordErrors(page, ctx) {
  page.on("console", (msg) => {
    if (msg.type() === "error") ctx.errors.push(`console: ${msg.text()} (${msg.location()?.url ?? ""})`);
  });
  page.on("pageerror", (err) => ctx.errors.push(`page error: ${err.message}`));
}

/** The catalog editor's text (the CodeMirror view on the element with data-testid="config-editor"). */
export async function editorText(page) {
  return byId(page, "config-editor").evaluate((el) => el.editorView.state.doc.toString());
}

/** Replaces the catalog editor's text as a user would: focus, select all, type (one input). */
export async function setEditorText(page, text) {
  await byId(page, "config-editor").locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(text);
}

/** The text selected in the catalog editor. */
export async function editorSelection(page) {
  return byId(page, "config-editor").evaluate((el) => {
    const { state } = el.editorView;
    return state.sliceDoc(state.selection.main.from, state.selection.main.to);
  });
}
