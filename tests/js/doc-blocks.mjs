// The fenced code blocks of the documentation (README.md, CONTRIBUTING.md and docs/*.md), read
// one way for every test that runs or checks them.
//
// A block is claimed by the HTML comment on the line just above its opening fence:
//   <!-- NAME -->  or  <!-- NAME: ARGUMENT -->
// NAME says which test runs or checks the block (see RUNNERS in tests/js/docs.test.mjs); each of
// those tests asks this module for the blocks with its NAME, so it sees exactly the blocks that
// the claims test counts. Rust blocks need no comment: they are doctests of the crate (the file is
// included as documentation in src/lib.rs).
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The documentation files, relative to the repository root, in a fixed order. */
export function docFiles(root = defaultRoot) {
  const docs = readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", "CONTRIBUTING.md", ...docs];
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const MARKER = /^<!--\s*([a-z][a-z0-9-]*)(?::\s*(.*?))?\s*-->$/;

/**
 * Every fenced block of one Markdown text: `{ file, line, lang, info, marker, arg, code }`.
 * `line` is the 1-based line of the opening fence; `marker` and `arg` come from the comment on
 * the line above (null when there is none); `code` is the text between the fences, with the
 * fence's indentation removed from each line.
 */
export function blocksOf(text, file) {
  const lines = text.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    let end = i + 1;
    while (end < lines.length) {
      const close = FENCE.exec(lines[end]);
      if (close && close[2][0] === fence[0] && close[2].length >= fence.length && close[3].trim() === "") break;
      end++;
    }
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    const above = i > 0 ? MARKER.exec(lines[i - 1].trim()) : null;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    blocks.push({
      file,
      line: i + 1,
      lang: info.trim().split(/[\s,{]/)[0],
      info: info.trim(),
      marker: above ? above[1] : null,
      arg: above ? (above[2] ?? null) : null,
      code: body.length ? body.join("\n") + "\n" : "",
    });
    i = end;
  }
  return blocks;
}

/** Every fenced block of the documentation; with `marker`, only the blocks it claims. */
export function docBlocks(marker, root = defaultRoot) {
  const all = docFiles(root).flatMap((f) => blocksOf(readFileSync(path.join(root, f), "utf8"), f));
  return marker === undefined ? all : all.filter((b) => b.marker === marker);
}

/** `file:line`, for messages. */
export const where = (b) => `${b.file}:${b.line}`;
