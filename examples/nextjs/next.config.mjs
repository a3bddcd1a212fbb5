import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// This example lives inside another project; its own folder is the root (an app on its own
// needs no config at all).
const root = dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
export default { turbopack: { root }, outputFileTracingRoot: root };
