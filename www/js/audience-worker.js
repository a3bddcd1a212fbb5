// The Audience and Results tabs' worker: runs `upgrade-prompts/audience` (simulate, generate,
// analyze) off the main thread in chunks, posting progress between them; a "cancel" message
// stops a simulation at the next chunk. It keeps the accounts of the last finished run so the
// page can ask for one by index. The Results tab runs its own instance and ends an analysis
// by terminating it (one `analyzeEvents` call runs to its end).
//   in:  { type: "run", id, config, source, options }   source: { kind: "generated", count, seed, now }
//                                                        | { kind: "jsonl" | "csv", text, name }
//        { type: "cancel", id }   { type: "context", id, index }
//   out: { type: "progress", id, done, total }   { type: "done", id, report, ms, problems }
//        { type: "cancelled", id }   { type: "error", id, message }   { type: "context", id, context }
//   in:  { type: "analyze", id, config, source }   source: { kind: "file", file }
//                                                   | { kind: "demo", count, seed, now }
//   out: { type: "progress", id, phase, done, total }   phase: "generate" (accounts) | "count" |
//        "attribute" (bytes of the log, in each of the analysis's two reads)
//        { type: "analyzed", id, report, bytes, name, log? }   (log: the demo log's bytes)
import init, { CliGenerate, PromptSimulation, analyzeEvents, generateContext } from "/pkg/audience/upgrade_prompts_audience.js";
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

// ---------- analyze (the Results tab) ----------

/** Accounts per `events` call when generating a demo log. */
const DEMO_CHUNK = 2000;
/** Bytes read from a file at a time (the analysis asks for 64 KiB pieces of them). */
const SLICE = 4 << 20;
/** Least time between two progress messages of an analysis. */
const PROGRESS_MS = 40;

/** The demo event log of `count` generated accounts, as bytes, posting progress. */
function demoLog({ id, config, source }) {
  const gen = new CliGenerate({
    configName: "catalog.json", configState: "ok", config: new TextEncoder().encode(JSON.stringify(config)),
    now: source.now, seed: String(source.seed),
  });
  try {
    if (gen.stderr) throw new Error(gen.stderr.trim());
    const parts = [];
    for (let start = 0; start < source.count; start += DEMO_CHUNK) {
      parts.push(gen.events(start, Math.min(DEMO_CHUNK, source.count - start)));
      postMessage({ type: "progress", id, phase: "generate", done: Math.min(start + DEMO_CHUNK, source.count), total: source.count });
    }
    return new TextEncoder().encode(parts.join(""));
  } finally {
    gen.free();
  }
}

/**
 * `read(offset, max, pass)` for `analyzeEvents` over `bytes` (a Uint8Array) or a File (read
 * 4 MiB at a time with FileReaderSync), posting how far each pass has read.
 */
function reader(id, input) {
  const size = input.byteLength ?? input.size;
  let slice = { at: 0, bytes: new Uint8Array(0) };
  let last = 0;
  const fileReader = input instanceof Blob ? new FileReaderSync() : null;
  return (offset, max, pass) => {
    let out;
    if (!fileReader) {
      out = input.subarray(offset, offset + max);
    } else {
      if (offset < slice.at || offset >= slice.at + slice.bytes.length) {
        slice = { at: offset, bytes: new Uint8Array(fileReader.readAsArrayBuffer(input.slice(offset, offset + SLICE))) };
      }
      out = slice.bytes.subarray(offset - slice.at, offset - slice.at + max);
    }
    const now = performance.now();
    if (now - last >= PROGRESS_MS || offset + out.length >= size) {
      last = now;
      postMessage({ type: "progress", id, phase: pass === 0 ? "count" : "attribute", done: offset + out.length, total: size });
    }
    return out;
  };
}

async function analyze(data) {
  await ready;
  const { id, config, source } = data;
  const t0 = performance.now();
  const log = source.kind === "demo" ? demoLog(data) : null;
  const input = log ?? source.file;
  const name = log ? "demo-events.jsonl" : source.file.name;
  const size = input.byteLength ?? input.size;
  postMessage({ type: "progress", id, phase: "count", done: 0, total: size });
  const report = analyzeEvents(config, reader(id, input), { name, ...(log ? { format: "jsonl" } : {}) });
  postMessage({ type: "analyzed", id, report, bytes: size, name, ms: performance.now() - t0, ...(log ? { log } : {}) }, log ? [log.buffer] : []);
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "cancel") cancelled.add(data.id);
    else if (data.type === "run") await run(data);
    else if (data.type === "analyze") await analyze(data);
    else if (data.type === "context") {
      await ready;
      postMessage({ type: "context", id: data.id, context: contextOf(data.index) });
    }
  } catch (err) {
    postMessage({ type: "error", id: data.id, message: String(err?.message ?? err), code: err?.code });
  }
};
