// The TypeScript matrix: the packed package installed the way a user installs it, its
// declarations compiled with `strict` and `skipLibCheck: false` under each lib and module
// resolution users choose, and the documentation's TypeScript examples (blocks marked example-ts,
// found by tests/js/doc-blocks.mjs) type-checked and run.
//   node tests/ts/matrix.mjs        (after `make pkg`)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { docBlocks, where } from "../js/doc-blocks.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const here = join(root, "tests/ts");
const dir = join(root, "build/ts-matrix");
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, "node_modules/upgrade-prompts"), { recursive: true });

// Install the tarball npm would publish.
const tgz = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", dir, "--silent"], { cwd: dir })
  .toString().trim().split("\n").pop();
execFileSync("tar", ["-xzf", join(dir, tgz), "-C", join(dir, "node_modules/upgrade-prompts"), "--strip-components=1"]);

for (const f of ["consumer.ts", "json-catalog.ts", "catalog.json", "node.mts", "node.cts"]) copyFileSync(join(here, f), join(dir, f));
// The documentation's TypeScript examples, each as a browser-side (bundler) and as a Node ES
// module file.
const examples = docBlocks("example-ts", root);
if (examples.length === 0) throw new Error("the documentation has no example-ts block");
const exampleTs = [];
const exampleMts = [];
for (const [i, block] of examples.entries()) {
  writeFileSync(join(dir, `doc-${i}.ts`), block.code);
  writeFileSync(join(dir, `doc-${i}.mts`), block.code);
  exampleTs.push(`doc-${i}.ts`);
  exampleMts.push(`doc-${i}.mts`);
}

const common = { strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(root, "node_modules/@types")] };
const cells = [
  { name: "bundler, ES2020 + DOM", files: ["consumer.ts", ...exampleTs],
    options: { target: "ES2020", lib: ["ES2020", "DOM"], module: "ESNext", moduleResolution: "Bundler", types: [] } },
  { name: "bundler, a config imported from a JSON file", files: ["json-catalog.ts"],
    options: { target: "ES2020", lib: ["ES2020", "DOM"], module: "ESNext", moduleResolution: "Bundler", types: [],
               resolveJsonModule: true } },
  { name: "bundler, ESNext + DOM", files: ["consumer.ts", ...exampleTs],
    options: { target: "ESNext", lib: ["ESNext", "DOM"], module: "ESNext", moduleResolution: "Bundler", types: [] } },
  { name: "node16 ESM, ES2022 without DOM", files: ["node.mts", ...exampleMts],
    options: { target: "ES2022", lib: ["ES2022"], module: "Node16", moduleResolution: "Node16", types: ["node"] } },
  { name: "node16 CommonJS, ES2022 without DOM", files: ["node.cts"],
    options: { target: "ES2022", lib: ["ES2022"], module: "Node16", moduleResolution: "Node16", types: ["node"] } },
  { name: "nodenext ESM and CommonJS, ESNext without DOM", files: ["node.mts", "node.cts", ...exampleMts],
    options: { target: "ESNext", lib: ["ESNext"], module: "NodeNext", moduleResolution: "NodeNext", types: ["node"] } },
];
// Every cell with TypeScript 5.9 and with the native TypeScript 7 compiler.
const compilers = [
  { name: "TS 5.9", tsc: join(root, "node_modules/typescript/bin/tsc") },
  { name: "TS 7.0", tsc: join(root, "node_modules/typescript7/bin/tsc") },
];
let failed = 0;
for (const [i, cell] of cells.entries()) {
  const config = join(dir, `tsconfig.${i}.json`);
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...common, ...cell.options }, files: cell.files }, null, 2));
  for (const { name, tsc } of compilers) {
    try {
      execFileSync(process.execPath, [tsc, "-p", config], { cwd: dir, stdio: "pipe" });
      console.log(`ok   ${name}: ${cell.name}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}: ${cell.name}\n${err.stdout}${err.stderr}`);
    }
  }
}

// Run each example (types stripped) and compare what it prints with the `// expected` comments
// of its console.log lines.
for (const [i, block] of examples.entries()) {
  const js = transformSync(block.code, { loader: "ts", format: "esm" }).code;
  writeFileSync(join(dir, `doc-${i}-run.mjs`), js);
  const out = execFileSync(process.execPath, [`doc-${i}-run.mjs`], { cwd: dir }).toString().trim().split("\n");
  const expected = [...block.code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1].trim());
  if (expected.length === 0 || out.length !== expected.length || expected.some((want, k) => out[k].trim() !== want)) {
    failed++;
    console.log(`FAIL ${where(block)} TypeScript example printed:\n${out.join("\n")}\nexpected:\n${expected.join("\n")}`);
  } else {
    console.log(`ok   ${where(block)} TypeScript example runs and prints what it says (${expected.length} lines)`);
  }
}
if (failed) {
  console.log(`${failed} TypeScript check(s) failed`);
  process.exit(1);
}
