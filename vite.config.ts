import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/client",
  plugins: [preact()],
  // No modulepreload polyfill: every browser we support preloads natively (saves bytes on the first page).
  build: { outDir: "../../dist/client", emptyOutDir: true, modulePreload: { polyfill: false } },
});
