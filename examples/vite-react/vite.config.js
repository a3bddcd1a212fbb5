import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// No optimizeDeps setting: the dev server may pre-bundle upgrade-prompts; the package still
// finds its .wasm (checked by scripts/examples.mjs with EXAMPLES_VITE_DEV=1).
export default defineConfig({
  plugins: [react()],
});
