/** @module The Node flags `npm start` gives the station, so the benchmark starts it the same way. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The words between `node` and `bin/aigate.js` in package.json's start script. */
export function startFlags(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (scripts.start ?? '').trim().split(/\s+/);
  const bin = words.indexOf('bin/aigate.js');
  if (words[0] !== 'node' || bin < 0) throw new Error(`package.json's start script is not "node [flags] bin/aigate.js ...": ${scripts.start}`);
  return words.slice(1, bin);
}
