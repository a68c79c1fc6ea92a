/**
 * @module What the kernel knows about our processes, read from /proc: CPU time (utime + stime of
 * a process and all its descendants, e.g. nginx's workers), peak RSS (VmHWM, which writing "5"
 * to clear_refs resets, so each measurement gets its own peak), and per-core busy time from
 * /proc/stat, which shows how much of a core other people's work took during a measurement.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ), the unit of /proc CPU times. */
export const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process is gone
  }
};

/** The fields after "(comm)", so a comm with spaces cannot shift them; [0] is field 3 (state). */
function statFields(pid: number): string[] | undefined {
  const text = read(`/proc/${pid}/stat`);
  return text?.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** The pids plus every live descendant. */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const all: number[] = [];
  const visit = (pid: number) => {
    all.push(pid);
    for (const c of children.get(pid) ?? []) visit(c);
  };
  for (const root of roots) visit(root);
  return all;
}

/** User and system CPU seconds, minor page faults and read/write system calls of the processes and their descendants: where a CPU figure that moved went. */
export function cpuSplit(roots: readonly number[]): { user: number; system: number; minorFaults: number; reads: number; writes: number } {
  let user = 0;
  let system = 0;
  let minorFaults = 0;
  let reads = 0;
  let writes = 0;
  for (const pid of processTree(roots)) {
    const f = statFields(pid);
    if (!f) continue;
    // read and write system calls of every kind (sockets too): how finely the bytes were cut
    const io = read(`/proc/${pid}/io`) ?? '';
    reads += Number(io.match(/^syscr: (\d+)/m)?.[1] ?? 0);
    writes += Number(io.match(/^syscw: (\d+)/m)?.[1] ?? 0);
    minorFaults += Number(f[7]); // minflt (field 10)
    user += Number(f[11]); // utime (field 14)
    system += Number(f[12]); // stime (field 15)
  }
  return { user: user / TICKS_PER_SECOND, system: system / TICKS_PER_SECOND, minorFaults, reads, writes };
}

/** CPU seconds (user + system) used so far by the processes and their descendants. */
export function cpuSeconds(roots: readonly number[]): number {
  const { user, system } = cpuSplit(roots);
  return user + system;
}

/** CPU seconds of one process's main thread and of all its other threads together (V8's GC and compiler helpers, libuv's pool, workers). */
export function threadCpuSeconds(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const text = read(`/proc/${pid}/task/${tid}/stat`);
    const f = text?.slice(text.lastIndexOf(')') + 2).split(' ');
    if (!f) continue;
    const ticks = Number(f[11]) + Number(f[12]);
    if (Number(tid) === pid) main += ticks;
    else others += ticks;
  }
  return { main: main / TICKS_PER_SECOND, others: others / TICKS_PER_SECOND };
}

/**
 * CPU seconds of one process plus its children that have exited and been reaped (cutime and
 * cstime): how the orchestrator accounts for the wrk runs it spawned, once they are over.
 */
export function ownCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND : 0;
}

const statusKb = (pid: number, field: string): number => {
  const match = read(`/proc/${pid}/status`)?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
};

/** Sum of the peak RSS (VmHWM) of the processes and their descendants, in bytes. */
export const peakRssBytes = (roots: readonly number[]) => processTree(roots).reduce((sum, pid) => sum + statusKb(pid, 'VmHWM') * 1024, 0);

/** Sum of the current RSS, in bytes. */
export const rssBytes = (roots: readonly number[]) => processTree(roots).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS') * 1024, 0);

/** Resets VmHWM to the current RSS (Linux >= 4.0, needs the right to write clear_refs). */
export function resetPeakRss(roots: readonly number[]): boolean {
  let ok = true;
  for (const pid of processTree(roots)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

export interface CoreTimes {
  busy: number;
  total: number;
}

/** Busy and total seconds per core since boot, from /proc/stat. */
export function coreTimes(): Map<number, CoreTimes> {
  const cores = new Map<number, CoreTimes>();
  for (const line of (read('/proc/stat') ?? '').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2]!.split(/\s+/).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    cores.set(Number(m[1]), { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND });
  }
  return cores;
}

/** The CPUs this process may run on (Cpus_allowed_list), e.g. [0, 1]. */
export function allowedCpus(): number[] {
  const list = read('/proc/self/status')?.match(/^Cpus_allowed_list:\s+(.+)$/m)?.[1] ?? '';
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isFinite(a)) return [];
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}
