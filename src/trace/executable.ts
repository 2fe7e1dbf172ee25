/**
 * Whether an exec attempt could have run its file, and whether that file asks for privileges
 * that no_new_privs takes away. Notifications arrive at syscall entry, so a PATH search shows
 * up as attempts on files that do not exist: those are the ones dropped.
 */
import { cString, supervisorLib } from "./libc.ts";

/** The credentials an exec is checked against. */
export interface Credentials {
  euid: number;
  egid: number;
  groups: number[];
}

const AT_FDCWD = -100;
const STATX_BASIC_STATS = 0x7ff;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;

export interface FileFacts {
  mode: number;
  uid: number;
  gid: number;
}

const statxBuffer = new Uint8Array(256);
const statxView = new DataView(statxBuffer.buffer);

/** Mode and owner of `path` (following symlinks), or null when it does not exist. */
export function fileFacts(path: string): FileFacts | null {
  if (supervisorLib().statx(AT_FDCWD, cString(path), 0, STATX_BASIC_STATS, statxBuffer) !== 0) {
    return null;
  }
  // struct statx: stx_uid at 20, stx_gid at 24, stx_mode at 28 (same on every arch).
  return {
    uid: statxView.getUint32(20, true),
    gid: statxView.getUint32(24, true),
    mode: statxView.getUint16(28, true),
  };
}

/** The exec permission check the kernel makes, by mode bits (ACLs aside). */
export function canExecute(file: FileFacts, who: Credentials): boolean {
  if ((file.mode & S_IFMT) !== S_IFREG) return false;
  if (who.euid === 0) return (file.mode & 0o111) !== 0;
  if (file.uid === who.euid) return (file.mode & 0o100) !== 0;
  if (file.gid === who.egid || who.groups.includes(file.gid)) return (file.mode & 0o010) !== 0;
  return (file.mode & 0o001) !== 0;
}

const capabilityName = cString("security.capability");

/**
 * Whether running `path` would change privileges (setuid to another user, setgid to a group
 * not held, file capabilities): what no_new_privs refuses.
 */
export function wouldElevate(path: string, file: FileFacts, who: Credentials): boolean {
  if ((file.mode & S_ISUID) !== 0 && file.uid !== who.euid) return true;
  if ((file.mode & S_ISGID) !== 0 && file.gid !== who.egid && !who.groups.includes(file.gid)) {
    return true;
  }
  return Number(supervisorLib().getxattr(cString(path), capabilityName, null, 0n)) > 0;
}
