/**
 * Process facts through a pidfd (PIDFD_GET_INFO, Linux 6.13+): ids and parent without reading
 * /proc/PID/status (several times dearer), and, from 6.15, the exit status even after the
 * parent has reaped the process. Callers fall back to /proc when this says "unsupported".
 */
import { errno, supervisorLib } from "./libc.ts";

/** _IOWR(0xFF, 11, struct pidfd_info) with the 64-byte first version of the struct. */
const PIDFD_GET_INFO = 0xc040ff0bn;
const INFO_SIZE = 64;
const PIDFD_INFO_PID = 1n;
const PIDFD_INFO_CREDS = 2n;
const PIDFD_INFO_EXIT = 8n;
const ENOTTY = 25;

export interface PidInfo {
  tgid: number;
  ppid: number;
  uid: number;
  euid: number;
  egid: number;
}

const buffer = new Uint8Array(INFO_SIZE);
const view = new DataView(buffer.buffer);
let supported = true;

function query(pidfd: number, mask: bigint): boolean | "unsupported" {
  if (!supported) return "unsupported";
  buffer.fill(0);
  view.setBigUint64(0, mask, true);
  if (supervisorLib().ioctl(pidfd, PIDFD_GET_INFO, buffer) === 0) return true;
  if (errno() === ENOTTY) {
    supported = false;
    return "unsupported";
  }
  return false;
}

/** Ids of a live process; null when it is gone. */
export function pidInfo(pidfd: number): PidInfo | null | "unsupported" {
  const ok = query(pidfd, PIDFD_INFO_PID | PIDFD_INFO_CREDS);
  if (ok !== true) return ok === false ? null : ok;
  return {
    tgid: view.getUint32(20, true),
    ppid: view.getUint32(24, true),
    uid: view.getUint32(28, true),
    euid: view.getUint32(36, true),
    egid: view.getUint32(40, true),
  };
}

/** The wait status of an ended process, when the kernel kept it (6.15+). */
export function exitStatus(pidfd: number): number | undefined {
  if (query(pidfd, PIDFD_INFO_EXIT) !== true) return undefined;
  return (view.getBigUint64(0, true) & PIDFD_INFO_EXIT) !== 0n
    ? view.getInt32(60, true)
    : undefined;
}
