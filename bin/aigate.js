#!/usr/bin/env node
// The `aigate` command: the compiled CLI (built by `npm ci` through the `prepare` script).
import '../dist/main.js';
