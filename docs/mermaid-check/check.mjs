#!/usr/bin/env node
// Validates every ```mermaid block of the Markdown files under the given paths with mermaid itself:
// mermaid.parse() and mermaid.render() in headless Chromium (Debian's /usr/bin/chromium, driven by
// puppeteer-core, which downloads no browser of its own). Fails naming each invalid diagram.
//
//   node check.mjs ../schema            # every diagram of docs/schema/
//   node check.mjs --self-test          # proves the check rejects a broken diagram and accepts a good one
//
// Environment: CHROMIUM (default /usr/bin/chromium, else chromium or chromium-browser on PATH).
import { existsSync, readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import puppeteer from "puppeteer-core";

const here = dirname(fileURLToPath(import.meta.url));
const MERMAID_JS = join(here, "node_modules", "mermaid", "dist", "mermaid.min.js");

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (existsSync(p)) return p;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"]).toString().trim();
  } catch {
    throw new Error("no Chromium found: apt-get install chromium (or set CHROMIUM)");
  }
}

function markdownFiles(path) {
  const st = statSync(path);
  if (st.isFile()) return path.endsWith(".md") ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => markdownFiles(join(path, name)));
}

// Each ```mermaid block, named "file:line (nearest heading)".
export function extractDiagrams(file, text) {
  const diagrams = [];
  const lines = text.split("\n");
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const h = /^#+\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    if (lines[i].trim() === "```mermaid") {
      const start = i + 1;
      const body = [];
      for (i = i + 1; i < lines.length && lines[i].trim() !== "```"; i++) body.push(lines[i]);
      diagrams.push({ name: `${file}:${start}${heading ? ` (${heading})` : ""}`, text: body.join("\n") });
    }
  }
  return diagrams;
}

async function validate(diagrams) {
  const profile = mkdtempSync(join(tmpdir(), "mermaid-check-"));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ path: MERMAID_JS });
    await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));
    const results = [];
    for (const [i, d] of diagrams.entries()) {
      const error = await page.evaluate(async (text, id) => {
        try {
          await window.mermaid.parse(text);  // throws on a syntax error
          const { svg } = await window.mermaid.render(id, text);
          if (!svg || !svg.includes("<svg")) return "render produced no SVG";
          if (/Syntax error in text/.test(svg)) return "render produced mermaid's error diagram";
          return null;
        } catch (e) {
          return String((e && (e.message || e.str)) || e);
        }
      }, d.text, `diagram${i}`);
      results.push({ ...d, error });
    }
    return results;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function selfTest() {
  const good = "erDiagram\n    core_users {\n        uuid id PK\n        text[] tags\n    }\n"
    + "    core_users ||--o{ core_messages : \"messages_user_id_fkey\"\n";
  const broken = "erDiagram\n    core.users {\n        timestamp with time zone created_at\n    }\n"
    + "    core_users ||--o{ : missing entity\n";
  const [ok, bad] = await validate([{ name: "self-test: good", text: good }, { name: "self-test: broken", text: broken }]);
  if (ok.error) throw new Error(`self-test: a valid diagram was rejected: ${ok.error}`);
  if (!bad.error) throw new Error("self-test: a broken diagram was accepted: the check cannot fail");
  console.log(`mermaid-check self-test: a broken diagram is rejected (${bad.error.split("\n")[0]})`);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes("--self-test")) {
    await selfTest();
    return 0;
  }
  if (args.length === 0) {
    console.error("usage: node check.mjs PATH... | --self-test");
    return 2;
  }
  const diagrams = [];
  for (const arg of args) {
    for (const file of markdownFiles(resolve(arg))) {
      diagrams.push(...extractDiagrams(relative(process.cwd(), file), readFileSync(file, "utf8")));
    }
  }
  if (diagrams.length === 0) {
    console.error(`mermaid-check: no mermaid diagram found under ${args.join(" ")}`);
    return 1;
  }
  const results = await validate(diagrams);
  const failed = results.filter((r) => r.error);
  for (const r of results) console.log(`${r.error ? "INVALID" : "ok     "} ${r.name}`);
  for (const r of failed) console.error(`\nerror: invalid Mermaid diagram ${r.name}:\n  ${r.error.split("\n").join("\n  ")}`);
  const mermaidVersion = JSON.parse(readFileSync(join(here, "node_modules", "mermaid", "package.json"), "utf8")).version;
  console.log(`mermaid-check: ${results.length - failed.length} valid, ${failed.length} invalid (mermaid ${mermaidVersion})`);
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`mermaid-check: ${e.message || e}`);
  process.exit(1);
});
