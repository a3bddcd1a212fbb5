// Files for the commands that run in the audience wasm: read here, checked there. A file of
// `simulate` or `generate` is handed over as `{ state, bytes }`, where `state` is `"ok"`,
// `"missing"`, `"directory"` or the reason it cannot be read, worded as the native binary
// words a system error (`Permission denied (os error 13)`), so that both programs print the
// same message; a file of `lint` or `compile` as `readLintFile` says.

import fs from "node:fs";

/** The largest accounts file read into memory; the native binary streams larger ones. */
export const MAX_IN_MEMORY_BYTES = 1 << 30;

/** The text of common system errors, as the native binary prints them. */
const SYSTEM_TEXT = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  EEXIST: "File exists",
  EMFILE: "Too many open files",
  EIO: "Input/output error",
};

/** A system error as the native binary prints it: `Permission denied (os error 13)`. */
export function systemText(e) {
  const text = e && SYSTEM_TEXT[e.code];
  if (text && typeof e.errno === "number") return `${text} (os error ${Math.abs(e.errno)})`;
  return String(e && e.message ? e.message : e);
}

const EMPTY = new Uint8Array(0);

/**
 * Reads at most `limit` bytes of `name`: `{ state: "ok", bytes }`, or the state that says why
 * not. A file longer than `limit` gives its first `limit` bytes (the core reports the size).
 */
export function readFile(name, limit) {
  let stat;
  try {
    stat = fs.statSync(name);
  } catch (e) {
    return { state: e.code === "ENOENT" ? "missing" : systemText(e), bytes: EMPTY };
  }
  if (stat.isDirectory()) return { state: "directory", bytes: EMPTY };
  let fd;
  try {
    fd = fs.openSync(name, "r");
  } catch (e) {
    return { state: e.code === "ENOENT" ? "missing" : systemText(e), bytes: EMPTY };
  }
  try {
    return { state: "ok", bytes: readAtMost(fd, limit) };
  } catch (e) {
    return { state: systemText(e), bytes: EMPTY };
  } finally {
    fs.closeSync(fd);
  }
}

/** At most `limit` bytes of the open file `fd`, from its start. */
function readAtMost(fd, limit) {
  const chunks = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 20);
  while (total < limit) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, limit - total), null);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
  }
  return Buffer.concat(chunks, total);
}

/**
 * A file for `lint` and `compile`, as the native binary reads one: `{ state: "ok", bytes }`
 * (at most `limit` bytes and one more), or a state that says why not: `"missing"`,
 * `"parent_not_directory"`, `"directory"`, `"not_a_file"` (a device, a pipe),
 * `"too_large"` with the file's `size` (not read), or `"failed"` with the system error's
 * `reason` (`EACCES`, …). The words of each are the core's.
 */
export function readLintFile(name, limit) {
  const failed = (e) => ({ state: "failed", reason: String(e && e.code ? e.code : e && e.message ? e.message : e) });
  let stat;
  try {
    stat = fs.statSync(name);
  } catch (e) {
    if (e.code === "ENOENT") return { state: "missing" };
    if (e.code === "ENOTDIR") return { state: "parent_not_directory" };
    return failed(e);
  }
  if (stat.isDirectory()) return { state: "directory" };
  if (!stat.isFile()) return { state: "not_a_file" };
  if (stat.size > limit) return { state: "too_large", size: stat.size };
  let fd;
  try {
    fd = fs.openSync(name, "r");
  } catch (e) {
    return e.code === "EISDIR" ? { state: "directory" } : failed(e);
  }
  try {
    return { state: "ok", bytes: readAtMost(fd, limit + 1) };
  } catch (e) {
    return e.code === "EISDIR" ? { state: "directory" } : failed(e);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Text for a terminal or a log, as the native binary shows it: control characters, line and
 * paragraph separators and bidirectional controls as `\u{…}` escapes.
 */
export function printable(text) {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}
