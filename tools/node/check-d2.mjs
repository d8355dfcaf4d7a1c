// Compile and render D2 files with the D2 compiler (WebAssembly build), every board included.
// Usage: node check-d2.mjs OUT_DIR FILE.d2...
//   Writes OUT_DIR/<file name>.svg (the root board) and OUT_DIR/<file name>.animated.svg
//   (every layer and step, as D2's animated SVG); prints {"file": "error", ...} for failures.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { D2 } from "@terrastruct/d2";

const [outDir, ...files] = process.argv.slice(2);
const d2 = new D2();
const errors = {};
for (const file of files) {
  const name = path.basename(file);
  try {
    const source = await readFile(file, "utf8");
    const result = await d2.compile(source);
    const svg = await d2.render(result.diagram, { ...result.renderOptions, noXMLTag: true });
    await writeFile(path.join(outDir, `${name}.svg`), svg);
    const all = await d2.render(result.diagram, {
      ...result.renderOptions,
      target: "*",
      animateInterval: 1000,
    });
    await writeFile(path.join(outDir, `${name}.animated.svg`), all);
  } catch (err) {
    errors[name] = String(err && err.message ? err.message : err);
  }
}
process.stdout.write(JSON.stringify(errors));
process.exit(0);
