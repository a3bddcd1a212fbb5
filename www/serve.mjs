// Static server for the playground: `node www/serve.mjs [port]` (default 8080).
// Serves www/ at the site root (also under /www/) and the built package under /pkg/.
// No dependencies; refuses anything outside those two folders.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const WWW = dirname(fileURLToPath(import.meta.url));
const PKG = resolve(WWW, "..", "pkg");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Maps a URL path to a file inside www/ or pkg/, or null when it would leave them. */
export function resolvePath(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.includes("\\")) return null;
  let root = WWW;
  let rest = path;
  if (path === "/" || path === "/www" || path === "/www/") rest = "/index.html";
  else if (path.startsWith("/pkg/")) [root, rest] = [PKG, path.slice(4)];
  else if (path.startsWith("/www/")) rest = path.slice(4);
  const file = resolve(join(root, rest));
  return file.startsWith(root + sep) ? file : null;
}

async function handle(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const url = new URL(req.url, "http://localhost");
  const file = resolvePath(url.pathname);
  if (!file) {
    res.writeHead(403, { "content-type": "text/plain" }).end("forbidden\n");
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
}

/** Starts the server; port 0 picks a free port (see `server.address().port`). */
export function start(port = 8080, { quiet = false } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(port, () => {
    if (!quiet) console.log(`upgrade-prompts playground: http://localhost:${server.address().port}/`);
  });
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`usage: node www/serve.mjs [port]   (got "${process.argv[2]}")`);
    process.exit(2);
  }
  start(port);
}
