import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/client",
  plugins: [preact()],
  build: { outDir: "../../dist/client", emptyOutDir: true },
});
