#!/usr/bin/env node
// `npx tsematic` where the `tsematic` library is installed: the command line belongs to the optional
// peer @tsematic/server, so this forwards to it, or says how to install it. (Without a bin here, npx
// picks this package by its name and fails with "could not determine executable to run".)
"use strict";

let cli;
try {
  cli = require.resolve("@tsematic/server/bin/tsematic.js", { paths: [process.cwd(), __dirname] });
} catch {
  process.stderr.write(
    "tsematic: the command line comes with the lineage server package, which is not installed here: " +
      "run `npm install @tsematic/server`, then try again\n",
  );
  process.exit(1);
}
require(cli);
