#!/usr/bin/env node
// The `tsematic` command. A committed file rather than the compiled lib/cli.js, because npm links a
// package's bin only when its file exists at install time, and in a fresh clone `npm ci` runs before
// the build: a bin pointing into lib/ would leave `npx tsematic` with nothing to run.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const cli = join(__dirname, "..", "lib", "cli.js");
if (!existsSync(cli)) {
  process.stderr.write(
    `tsematic: the command line is not built (${cli} is missing): run \`npm run build -w server\` ` +
      "from the repository root, then try again\n",
  );
  process.exit(1);
}
require(cli);
