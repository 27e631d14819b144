// The text pdf.js extracts from a PDF, as a reader's copy and find bar get
// it (`getTextContent`, the source of the text layer and the find
// controller): each item's string, a newline after an item that ends a
// line, a form feed after each sheet.
//
// Usage: node tools/pdfjs_text.mjs PDFJS_DIST_DIR FILE.pdf
//   PDFJS_DIST_DIR is an installed `pdfjs-dist` (npm install pdfjs-dist),
//   e.g. node_modules/pdfjs-dist; measured with 4.10.38 and 6.5.438.
// Used by tests/it/text_extraction.rs (`--ignored`, see docs/typography.md).

import fs from "fs";
import path from "path";
import { pathToFileURL } from "url";

// pdf.js 5 and later call Promise.withResolvers, which Node 20 lacks.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}

const [, , dist, file] = process.argv;
if (!dist || !file) {
  console.error("usage: node tools/pdfjs_text.mjs PDFJS_DIST_DIR FILE.pdf");
  process.exit(2);
}
const entry = pathToFileURL(path.join(dist, "legacy", "build", "pdf.mjs")).href;
const { getDocument } = await import(entry);
const data = new Uint8Array(fs.readFileSync(file));
const doc = await getDocument({ data, verbosity: 0 }).promise;
let out = "";
for (let p = 1; p <= doc.numPages; p++) {
  const page = await doc.getPage(p);
  const content = await page.getTextContent();
  for (const item of content.items) {
    out += item.str + (item.hasEOL ? "\n" : "");
  }
  out += "\n\f";
}
process.stdout.write(out);
