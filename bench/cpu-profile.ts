/** @module Reads a V8 .cpuprofile (node --cpu-prof) into self time per function and per package. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per function and per package or file area, from one .cpuprofile. */
export function selfTimes(profile: CpuProfile): { byFunction: Map<string, number>; byArea: Map<string, number>; totalMs: number } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    totalMs += ms;
    const file = frame.url.replace(/^file:\/\//, '');
    const inPackage = file.includes('node_modules/') ? file.split('node_modules/').pop()!.split('/') : undefined;
    // A scoped package (@scope/name) is two path segments.
    const area = inPackage ? inPackage.slice(0, inPackage[0]!.startsWith('@') ? 2 : 1).join('/') : file.includes('/dist/') ? `dist/${file.split('/dist/')[1]}` : file || `(${frame.functionName || 'native'})`;
    const fn = `${frame.functionName || '(anonymous)'} ${area}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  });
  return { byFunction, byArea, totalMs };
}

