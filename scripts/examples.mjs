// Builds and runs the example apps in examples/ against the packed package, the way a user
// installs it: `npm ci` from each example's own lockfile (skipped when already done), then
// `npm install --no-save` of the tarball `npm pack` makes from pkg/. Node examples must print
// what they say; browser examples are served and opened in headless Chromium, which must show
// the callouts with no console error (screenshots in build/screenshots/examples-*.png).
//   node scripts/examples.mjs [name...]        (after `make pkg`)
// Environment:
//   EXAMPLES_PKG=DIR        pack DIR instead of pkg/ (e.g. a copy, while pkg/ is being rebuilt)
// vite-react is also opened in its dev server (`vite`: dependency pre-bundling on, no
// optimizeDeps config), checked the same way.
import { execFileSync, spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shots = join(root, "build/screenshots");
mkdirSync(shots, { recursive: true });

// Each example: how to build it, and how to check it (a command's output, or a page).
const EXAMPLES = {
  "node-cjs": {
    run: ["node", "index.cjs"],
    expect: ["reports allowed: false; cheapest unlock: team", "seats: at_limit; Seats limit reached"],
  },
  jest: { run: ["node_modules/.bin/jest", "--ci"], expectStderr: /Tests:\s+2 passed, 2 total/ },
  // The browser examples compile their catalog first (`upgrade-prompts compile`, the package's
  // bin) in their `build` script: pages load the runtime entry and the compiled bytes.
  webpack: {
    build: ["npm", "run", "--silent", "build"],
    serve: "dist",
    page: { callouts: ["Advanced reports is not in your plan"] },
  },
  "vite-react": {
    build: ["npm", "run", "--silent", "build"],
    serve: "dist",
    // <Callout> and <UsageMeter> with `import "upgrade-prompts/styles.css"`.
    page: { callouts: ["Advanced reports is not in your plan"], styled: true },
    // Then the dev server, which pre-bundles the package into
    // node_modules/.vite/deps/, away from its .wasm (Vite 8 rewrites the glue's
    // `new URL("…_bg.wasm", import.meta.url)` there; for Vite 5-7 js/wasm-url.js falls back to
    // node_modules/upgrade-prompts/). --force: pre-bundle again, since the lockfile (Vite's
    // cache key) does not change when another tarball is installed.
    dev: {
      start: (port) => ["node_modules/.bin/vite", "--port", String(port), "--strictPort", "--host", "127.0.0.1", "--force"],
      page: { callouts: ["Advanced reports is not in your plan"], styled: true },
    },
  },
  nextjs: {
    // Turbopack, the default bundler of `next build`.
    build: ["npm", "run", "--silent", "build"],
    start: (port) => ["node_modules/.bin/next", "start", "-p", String(port)],
    page: {
      server: "reports allowed on the server: false",
      callouts: ["Advanced reports is not in your plan"],
    },
  },
  "nextjs-webpack": {
    dir: "nextjs",
    build: ["npm", "run", "--silent", "build:webpack"],
    start: (port) => ["node_modules/.bin/next", "start", "-p", String(port)],
    page: {
      server: "reports allowed on the server: false",
      callouts: ["Advanced reports is not in your plan"],
    },
  },
};

const sh = (cmd, cwd, opts = {}) =>
  execFileSync(cmd[0], cmd.slice(1), { cwd, stdio: "pipe", maxBuffer: 64 << 20, ...opts }).toString();

function installed(dir) {
  const marker = join(dir, "node_modules/.package-lock.json");
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(dir, "package-lock.json")).mtimeMs;
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
  ".json": "application/json", ".svg": "image/svg+xml" };

/** A static server for a built folder, on a free port. */
function serveStatic(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    // Browsers ask for an icon the examples do not have; that 404 is not the app's.
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/** Opens `url`, waits for the callouts, fails on any console error or page error. */
async function checkPage(browser, name, url, page) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const problems = [];
  tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  tab.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
  await tab.goto(url);
  try {
    await tab.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="callout"]').length >= n,
      page.callouts.length,
      { timeout: 15000 },
    );
  } catch (e) {
    // Say why the callouts never came (a page error, a failed request), not only that they did not.
    throw new Error([`${url}: ${e.message.split("\n")[0]}`, ...problems].join("\n"));
  } finally {
    await tab.screenshot({ path: join(shots, `examples-${name}.png`) });
  }
  const shown = await tab.locator('[data-testid="callout"]').allTextContents();
  for (const want of page.callouts) {
    if (!shown.some((t) => t.includes(want))) problems.push(`no callout with "${want}" (shown: ${JSON.stringify(shown)})`);
  }
  if (page.styled) {
    // The package's stylesheet reached the page: the components' custom properties are set and
    // a meter is drawn (role="meter").
    const accent = await tab.locator('[data-testid="callout"]').first()
      .evaluate((el) => getComputedStyle(el).getPropertyValue("--up-accent").trim());
    if (!accent) problems.push("upgrade-prompts/styles.css is not applied (no --up-accent on a callout)");
    if ((await tab.locator('.up-meter [role="meter"]').count()) === 0) problems.push("no usage meter bar");
  }
  if (page.server) {
    const server = (await tab.locator('[data-testid="server"]').textContent()) ?? "";
    if (!server.includes(page.server)) problems.push(`server part says "${server}", not "${page.server}"`);
  }
  await context.close();
  if (problems.length) throw new Error(problems.join("\n"));
  return `${shown.length} callouts shown`;
}

/** Starts a server command on a free port (in its own process group, killed at the end). */
async function startServer(cmd, dir, children) {
  const port = await freePort();
  const argv = cmd(port);
  const child = spawn(argv[0], argv.slice(1), { cwd: dir, stdio: "ignore", detached: true,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  children.push(child);
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(url, 30000);
  return url;
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(EXAMPLES);
const pkgDir = process.env.EXAMPLES_PKG ? resolve(process.env.EXAMPLES_PKG) : join(root, "pkg");
const tgzName = sh(["npm", "pack", pkgDir, "--pack-destination", join(root, "build"), "--silent"], root)
  .trim().split("\n").pop();
const tgz = join(root, "build", tgzName);
let browser;
let failed = 0;
for (const name of names) {
  const spec = EXAMPLES[name];
  const dir = join(root, "examples", spec.dir ?? name);
  const t0 = Date.now();
  const children = [];
  let server;
  try {
    if (!installed(dir)) sh(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], dir);
    sh(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", tgz], dir);
    let result;
    if (spec.build) sh(spec.build, dir, { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (spec.run) {
      let out;
      let err = "";
      try {
        out = execFileSync(spec.run[0], spec.run.slice(1), { cwd: dir, stdio: "pipe", encoding: "utf8" });
      } catch (e) {
        throw new Error(`${spec.run.join(" ")} failed:\n${e.stdout}${e.stderr}`);
      }
      if (spec.expect) {
        const lines = out.trim().split("\n");
        if (JSON.stringify(lines) !== JSON.stringify(spec.expect)) throw new Error(`printed ${JSON.stringify(lines)}`);
        result = `printed ${lines.length} expected lines`;
      } else {
        // Jest reports on stderr; run again capturing both to check the summary.
        const both = execFileSync("sh", ["-c", `${spec.run.join(" ")} 2>&1`], { cwd: dir, encoding: "utf8" });
        err = both;
        if (!spec.expectStderr.test(err)) throw new Error(`unexpected output:\n${err}`);
        result = spec.expectStderr.exec(err)[0].replace(/\s+/g, " ");
      }
    } else {
      browser ??= await chromium.launch({
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
      let url;
      if (spec.serve) {
        server = await serveStatic(join(dir, spec.serve));
        url = `http://127.0.0.1:${server.address().port}/`;
      } else {
        url = await startServer(spec.start, dir, children);
      }
      result = await checkPage(browser, name, url, spec.page);
      if (spec.dev) {
        const devUrl = await startServer(spec.dev.start, dir, children);
        result += `; dev server: ${await checkPage(browser, `${name}-dev`, devUrl, spec.dev.page)}`;
      }
    }
    console.log(`ok   ${name}: ${result} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stderr ? e.stderr.toString() : ""}${e.message}`);
  } finally {
    server?.close();
    for (const c of children) {
      try { process.kill(-c.pid); } catch {}
    }
  }
}
await browser?.close();
if (failed) {
  console.log(`${failed} example(s) failed`);
  process.exit(1);
}
