// The Audience tab's worker: runs `upgrade-prompts/audience` (simulate, generate) off the main
// thread in chunks, posting progress between them; a "cancel" message stops a run at the next
// chunk. It keeps the accounts of the last finished run so the page can ask for one by index.
//   in:  { type: "run", id, config, source, options }   source: { kind: "generated", count, seed, now }
//                                                        | { kind: "jsonl" | "csv", text, name }
//        { type: "cancel", id }   { type: "context", id, index }
//   out: { type: "progress", id, done, total }   { type: "done", id, report, ms, problems }
//        { type: "cancelled", id }   { type: "error", id, message }   { type: "context", id, context }
import init, { PromptSimulation, generateContext } from "/pkg/audience/upgrade_prompts_audience.js";
import { layout, parseCsv, rowContext } from "./csv.js";

const CHUNK = 2500;
const ready = init();
let cancelled = new Set();
let last = null; // { config, source, lines?, rows? } of the last finished run

const yieldToMessages = () => new Promise((r) => setTimeout(r, 0));

/** Line starts of JSON Lines text, so a line's text can be returned by its number. */
function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

async function run({ id, config, source, options }) {
  await ready;
  const t0 = performance.now();
  const sim = new PromptSimulation(config, { ...options, ...(source.kind === "generated" ? { now: source.now } : {}) });
  const kept = { config, source };
  const problems = [];
  try {
    if (source.kind === "generated") {
      for (let start = 0; start < source.count; start += CHUNK) {
        if (cancelled.has(id)) return postMessage({ type: "cancelled", id });
        sim.addGenerated(start, Math.min(CHUNK, source.count - start), source.seed);
        postMessage({ type: "progress", id, done: Math.min(start + CHUNK, source.count), total: source.count });
        await yieldToMessages();
      }
    } else if (source.kind === "jsonl") {
      const { text } = source;
      const starts = lineStarts(text);
      kept.starts = starts;
      const total = starts.length;
      if (!text.trim()) problems.push({ code: "empty_file", message: "the file has no lines", path: [] });
      // Chunks end after a line end, so line numbers continue across them.
      for (let line = 0; line < total; line += CHUNK) {
        if (cancelled.has(id)) return postMessage({ type: "cancelled", id });
        const end = line + CHUNK < total ? starts[line + CHUNK] : text.length;
        sim.add(text.slice(starts[line], end));
        postMessage({ type: "progress", id, done: Math.min(line + CHUNK, total), total });
        await yieldToMessages();
      }
    } else if (source.kind === "csv") {
      const rows = parseCsv(source.text);
      if (!rows.length) problems.push({ code: "empty_file", message: "the file is empty", path: [] });
      const header = rows.shift()?.fields ?? [];
      const lay = layout(config, header);
      problems.push(...lay.problems);
      if (header.length && !rows.length) problems.push({ code: "empty_file", message: "the file has a header but no rows", path: [] });
      const contexts = [];
      // Row n (from 1) is line n of the JSON Lines given to the simulation; a bad row is an
      // empty line there (not scored) and an error row under its number.
      for (let r = 0; r < rows.length; r += CHUNK) {
        if (cancelled.has(id)) return postMessage({ type: "cancelled", id });
        const lines = [];
        for (let i = r; i < Math.min(r + CHUNK, rows.length); i++) {
          const out = rowContext(lay, header.length, rows[i]);
          if (out.error) {
            sim.addInvalid(i + 1, out.error);
            lines.push("");
            contexts.push(null);
          } else {
            const json = JSON.stringify(out.context);
            lines.push(json);
            contexts.push(json);
          }
        }
        sim.add(`${lines.join("\n")}\n`);
        postMessage({ type: "progress", id, done: Math.min(r + CHUNK, rows.length), total: rows.length });
        await yieldToMessages();
      }
      kept.contexts = contexts;
    }
    const report = sim.finish();
    last = kept;
    postMessage({ type: "done", id, report, problems, ms: performance.now() - t0 });
  } finally {
    sim.free();
    cancelled.delete(id);
  }
}

/** The context of account `index` of the last finished run, as JSON text (null if none). */
function contextOf(index) {
  if (!last) return null;
  const { source, config } = last;
  if (source.kind === "generated") return JSON.stringify(generateContext(config, index, source.seed, source.now));
  if (source.kind === "jsonl") {
    const start = last.starts[index - 1];
    if (start === undefined) return null;
    const end = last.starts[index] ?? source.text.length;
    return source.text.slice(start, end).trim() || null;
  }
  return last.contexts?.[index - 1] ?? null;
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "cancel") cancelled.add(data.id);
    else if (data.type === "run") await run(data);
    else if (data.type === "context") {
      await ready;
      postMessage({ type: "context", id: data.id, context: contextOf(data.index) });
    }
  } catch (err) {
    postMessage({ type: "error", id: data.id, message: String(err?.message ?? err) });
  }
};
