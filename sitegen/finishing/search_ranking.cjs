// Runs the site search's ranking (the search worker, given as the first argument) in Node, for
// `build.py check` and the tests: reads {docs, queries} as JSON on stdin and prints, for each query,
// the locations of the first N results (second argument) the search box would show.
"use strict";
const { buildIndex, search } = require(process.argv[2]);
const count = Number(process.argv[3] || 3);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { docs, queries } = JSON.parse(input);
  const index = buildIndex(docs);
  const results = queries.map((query) => search(index, query).items.slice(0, count).map((group) => group[0].location));
  process.stdout.write(JSON.stringify(results));
});
