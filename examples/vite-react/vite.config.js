import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // The dev server's dependency pre-bundling would move the glue away from its .wasm.
  optimizeDeps: { exclude: ["upgrade-prompts"] },
});
