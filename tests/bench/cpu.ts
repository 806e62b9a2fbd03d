// CPU time of a process and its descendants, read from /proc (Linux), so the table can say
// whether a slow route spends its time in the app (Node: loaders, React render) or in
// PostgreSQL. Returns NaN where /proc is missing.
import { existsSync, readFileSync, readdirSync } from "node:fs";

/** USER_HZ: the kernel's clock ticks per second in /proc/<pid>/stat, 100 on Linux. */
const TICKS_PER_SECOND = 100;

function readStat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid … utime(11) stime(12) cutime(13) cstime(14).
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const n = (i: number) => Number(fields[i] ?? 0);
    // cutime/cstime hold children that already exited (e.g. a closed PostgreSQL backend).
    return { ppid: n(1), ticks: n(11) + n(12) + n(13) + n(14) };
  } catch {
    return null; // exited meanwhile
  }
}

export function treeCpuSeconds(rootPid: number | null | undefined): number {
  if (!rootPid || !existsSync("/proc")) return Number.NaN;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) pending.push(child);
  }
  return ticks / TICKS_PER_SECOND;
}
