/**
 * Which processes may still carry the session's filter. The recorder has the filter too, so the
 * listener never reports that its last traced process is gone (POLLHUP): instead, candidates
 * are the live processes created after the filter (pid above the last pid allocated before it;
 * pids grow until they wrap) that have at least as many seccomp filters as the recorder got.
 * Unrelated sandboxed programs started meanwhile may count too: that only keeps a drainer a
 * little longer. Drainers (of any session) never count: they run no programs, and two
 * drainers whose pid ranges overlap would otherwise keep each other alive for ever. A process
 * hidden from this /proc (hidepid) is not seen.
 */

/** The argument that makes ddcoterm a drainer (`ddcoterm __trace-drain …`, see drain.ts). */
export const DRAIN_COMMAND = "__trace-drain";

export interface FilterMark {
  /** /proc/sys/kernel/ns_last_pid just before the filter was installed. */
  lastPid: number;
  /** The recorder's Seccomp_filters with the filter: every process under it has as many. */
  filters: number;
}

const decoder = new TextDecoder();

function readText(path: string): string | null {
  try {
    return decoder.decode(Deno.readFileSync(path));
  } catch {
    return null;
  }
}

export function lastPid(): number {
  return Number(readText("/proc/sys/kernel/ns_last_pid")?.trim() ?? 0);
}

export function filterCount(pid: number | "self"): number {
  const status = readText(`/proc/${pid}/status`);
  if (status === null) return -1;
  const count = status.match(/^Seccomp_filters:\s*(\d+)/m);
  if (count) return Number(count[1]);
  // Kernels before 5.9 say only whether a filter is on.
  return /^Seccomp:\s*2/m.test(status) ? 1 : 0;
}

/** True when a live process other than `exclude` may carry the filter `mark` describes. */
export function mayCarryFilter(mark: FilterMark, exclude: number[]): boolean {
  const now = lastPid();
  // Allocated since the filter: (lastPid, now], or around the wrap when now is below it.
  const after = (pid: number) =>
    now >= mark.lastPid ? pid > mark.lastPid && pid <= now : pid > mark.lastPid || pid <= now;
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || !after(pid) || exclude.includes(pid)) continue;
    const status = readText(`/proc/${pid}/status`);
    // A zombie can neither exec nor fork.
    if (status === null || /^State:\s*[ZX]/m.test(status)) continue;
    const count = status.match(/^Seccomp_filters:\s*(\d+)/m);
    const carries = count ? Number(count[1]) >= mark.filters : /^Seccomp:\s*2/m.test(status);
    if (carries && !isDrainer(pid)) return true;
  }
  return false;
}

function isDrainer(pid: number): boolean {
  return readText(`/proc/${pid}/cmdline`)?.split("\0").includes(DRAIN_COMMAND) ?? false;
}

export function alive(pid: number): boolean {
  const status = readText(`/proc/${pid}/status`);
  return status !== null && !/^State:\s*[ZX]/m.test(status);
}
