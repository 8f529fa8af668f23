#!/usr/bin/env node
'use strict';
// The `tideline` of a checkout of the repository (package.json "bin"): the product command (apps/cli) with the
// development commands of tools/bench (eval, nab-score, bench ...), so every command the README names works here.
require('../apps/cli/bin/launch.js')(['@tideline/bench']);
