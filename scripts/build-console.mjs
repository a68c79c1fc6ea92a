#!/usr/bin/env node
/**
 * @module Builds the operator console (web/) into dist/console: one minified ES module bundle
 * (Preact) and one stylesheet (uPlot's plus ours), with content hashes in their names so the
 * station can cache them for a year, and an index.html naming them, which it never caches.
 * The build is written beside the old one and swapped in by rename, so a running station never
 * serves half of one build and half of another.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist', 'console');
const STAGING = `${OUT}.${process.pid}.tmp`;
const OLD = `${OUT}.${process.pid}.old`;

// An inline icon: without one the browser asks for /favicon.ico, a 404 in every console.
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23234'/%3E%3Cpath d='M4 12 8 4l4 8' stroke='%23fff' stroke-width='2' fill='none'/%3E%3C/svg%3E";

const page = (script, style) => `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>aigate console</title>
  <link rel="icon" href="${ICON}">
  <link rel="stylesheet" href="assets/${style}">
  <script type="module" src="assets/${script}"></script>
</head>
<body>
  <div id="app"><noscript>The aigate console needs JavaScript.</noscript></div>
</body>
</html>
`;

async function build() {
  await rm(STAGING, { recursive: true, force: true });
  await mkdir(path.join(STAGING, 'assets'), { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'web/src/main.tsx', styles: 'web/src/styles.css' },
    outdir: path.join(STAGING, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const named = (entry) => {
    const found = outputs.find(([, output]) => output.entryPoint === entry);
    if (!found) throw new Error(`esbuild produced nothing for ${entry}`);
    return path.basename(found[0]);
  };
  await writeFile(path.join(STAGING, 'index.html'), page(named('web/src/main.tsx'), named('web/src/styles.css')));

  await rm(OLD, { recursive: true, force: true });
  await rename(OUT, OLD).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(STAGING, OUT);
  await rm(OLD, { recursive: true, force: true });
  const size = outputs.filter(([file]) => !file.endsWith('.map')).reduce((sum, [, output]) => sum + output.bytes, 0);
  console.log(`console built into ${path.relative(ROOT, OUT)} (${(size / 1024).toFixed(1)} KiB)`);
}

build().catch(async (error) => {
  await rm(STAGING, { recursive: true, force: true });
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
