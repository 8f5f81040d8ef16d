// Concatenates the NL Design System component CSS we use (every @utrecht/*-css dependency in
// package.json) into one file served by WhiteNoise from our own origin: one request, no CDN.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const names = Object.keys(pkg.dependencies).filter((n) => n.startsWith("@utrecht/") && n.endsWith("-css"));
const parts = names.map((name) => {
  const css = readFileSync(join(root, "node_modules", name, "dist", "index.css"), "utf8");
  return `/* ${name} (EUPL-1.2) */\n${css}`;
});
const out = join(root, "src", "samenaanpak", "static", "vendor", "utrecht-components.css");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, parts.join("\n"));
console.log(`wrote ${out} from ${names.length} components`);
