// Values crossing into wasm as JSON text: what `JSON.stringify` cannot carry is found and marked
// so that the engine reports it with a path, never read as `null`.
// Values JSON cannot carry are marked so the engine reports them: "\u0000nonfinite:" for NaN,
// Infinity and BigInt, "\u0000unsupported:" for Map, Set and invalid Dates.
function mark(k, x) {
  const raw = this[k];
  if (raw instanceof Date && Number.isNaN(raw.getTime())) return "\u0000unsupported:an invalid Date";
  if (raw instanceof Map) return "\u0000unsupported:a Map";
  if (raw instanceof Set) return "\u0000unsupported:a Set";
  if (typeof x === "number" && !Number.isFinite(x)) return "\u0000nonfinite:" + String(x);
  if (typeof x === "bigint") return "\u0000nonfinite:" + String(x) + "n";
  return x;
}
// Whether a plain JSON.stringify of an object lost something, found by one walk over it: true
// when it holds a value that stringify turns into null or {} (NaN, Infinity, a BigInt, a Map, a
// Set, an invalid Date; any other toJSON, arrays' included, on doubt). Called after a plain
// stringify of `length` characters succeeded: every object or array walked took at least two
// of them, so a walk that meets more (a proxy or a getter answering differently the second
// time, or inherited properties, which `for in` also visits) stops and answers true. Lone
// surrogates are looked for in the text (see `wellFormed`).
function lost(v, length) {
  const stack = [];
  // A number JSON cannot write or a BigInt; objects go on the stack.
  const look = (y) => {
    switch (typeof y) {
      case "object":
        if (y !== null) stack.push(y);
        return false;
      case "number":
        return y - y !== 0;
      case "bigint":
        return true;
    }
    return false;
  };
  try {
    // (The value itself may be a number: `JSON.stringify(NaN)` is "null".)
    if (look(v)) return true;
    let budget = length / 2 + 1;
    while (stack.length > 0) {
      if (--budget < 0) return true;
      const x = stack.pop();
      if (typeof x.toJSON === "function") {
        if (!(x instanceof Date) || Number.isNaN(x.getTime())) return true;
        continue;
      }
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) if (look(x[i])) return true;
        continue;
      }
      const proto = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null && (x instanceof Map || x instanceof Set)) return true;
      for (const k in x) if (look(x[k])) return true;
    }
    return false;
  } catch (e) {
    return true;
  }
}
// JSON.stringify writes a lone surrogate as an escape the engine's parser refuses; write the
// replacement character instead (an even run of backslashes before `u` means a real escape).
// JSON writes the `u` of an escape in lower case only (`\\U` is not an escape), and its hex
// digits in either case.
export function wellFormed(s) {
  if (s.indexOf("\\u") < 0) return s;
  return s.replace(/(\\*)\\u([dD][89a-fA-F][0-9a-fA-F]{2})/g, (m, slashes, hex, at, all) => {
    if (slashes.length % 2 === 1) return m;
    const next = all.slice(at + m.length, at + m.length + 6);
    const high = parseInt(hex, 16) < 0xdc00;
    if (high && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(next)) return m;
    if (!high && /\\u[dD][89abAB][0-9a-fA-F]{2}$/.test(all.slice(Math.max(0, at + slashes.length - 6), at + slashes.length))) return m;
    return slashes + "\\ufffd";
  });
}
export function toJsonText(v, max) {
  if (typeof v === "string") return v.length > max ? { error: "too_large" } : wellFormed(v);
  if (v === undefined) return { error: "undefined" };
  try {
    // Fast path: a plain stringify. NaN, Infinity and invalid Dates would turn into `null`,
    // Maps and Sets into `{}`, and a BigInt throws: only then is the marking pass needed.
    let s;
    try { s = JSON.stringify(v); } catch (e) { s = null; }
    // A short text (a context) is searched for `null` or `{}`, what stringify writes for the
    // values it cannot carry, and the value is walked only on a hit. A long one (a big catalog)
    // is always walked, so that a Map or an invalid Date with its own `toJSON` or enumerable
    // properties is found there too.
    const odd = s === null || (s !== undefined &&
      (s.length > 65536 || s.indexOf("null") >= 0 || s.indexOf("{}") >= 0) && lost(v, s.length));
    if (odd) s = JSON.stringify(v, mark);
    if (s === undefined) return { error: typeof v };
    if (s.length > max) return { error: "too_large" };
    // Two keys that differ only in lone surrogates become the same key: say so.
    const t = wellFormed(s);
    return t === s ? s : { text: t, replaced: true };
  } catch (e) {
    return { error: String(e && e.message || e) };
  }
}
export function fromJson(s) {
  return JSON.parse(s);
}
