// Render many Mermaid diagrams to SVG with one browser (mmdc starts Chromium per call).
// Usage: node render-mermaid.mjs JOBS.json OUT_DIR
//   JOBS.json: {"name": "<mermaid text>", ...}; writes OUT_DIR/<name>.svg for each, and
//   prints a JSON object {"name": "error message", ...} for the ones Mermaid refused.
// Chromium: the system's, from puppeteer-config.json next to this file.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer";
import { renderMermaid } from "@mermaid-js/mermaid-cli";

const here = path.dirname(fileURLToPath(import.meta.url));
const [jobsFile, outDir] = process.argv.slice(2);
const jobs = JSON.parse(await readFile(jobsFile, "utf8"));
const launch = JSON.parse(await readFile(path.join(here, "puppeteer-config.json"), "utf8"));
const browser = await puppeteer.launch(launch);
const errors = {};
try {
  for (const [name, definition] of Object.entries(jobs)) {
    try {
      const { data } = await renderMermaid(browser, definition, "svg", {});
      await writeFile(path.join(outDir, `${name}.svg`), data);
    } catch (err) {
      errors[name] = String(err && err.message ? err.message : err);
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(errors));
