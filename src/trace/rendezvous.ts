/**
 * Where launcher and supervisor meet: a Unix socket in a directory only this user can enter,
 * named after the recorder's pid (in the launcher's argv) and the launcher's pid (which the
 * launcher knows itself, and the recorder learns from the spawn).
 */
import {
  AF_UNIX,
  cString,
  errno,
  rendezvousLib,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  unixAddress,
} from "./libc.ts";
import { socketPath } from "./protocol.ts";

let cached: { dir: string } | { error: string } | undefined;

/** `$XDG_RUNTIME_DIR/ddcoterm`, else `$TMPDIR/ddcoterm-<uid>`: a 0700 directory we own. */
export function runtimeDir(): { dir: string } | { error: string } {
  cached ??= makeRuntimeDir();
  return cached;
}

function makeRuntimeDir(): { dir: string } | { error: string } {
  const uid = Deno.uid() ?? 0;
  const xdg = Deno.env.get("XDG_RUNTIME_DIR");
  const dir = xdg && ownedBy(xdg, uid)
    ? `${xdg}/ddcoterm`
    : `${Deno.env.get("TMPDIR") || "/tmp"}/ddcoterm-${uid}`;
  try {
    Deno.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      return { error: `cannot create "${dir}" (${(error as Error).message})` };
    }
  }
  const info = Deno.lstatSync(dir);
  if (!info.isDirectory || info.uid !== uid || ((info.mode ?? 0) & 0o077) !== 0) {
    return { error: `"${dir}" is not a private directory of this user` };
  }
  // Room for "/t<pid>-<pid>" in sockaddr_un's 108 bytes.
  if (new TextEncoder().encode(dir).length > 80) return { error: `"${dir}" is too long` };
  return { dir };
}

function ownedBy(path: string, uid: number): boolean {
  try {
    const info = Deno.lstatSync(path);
    return info.isDirectory && info.uid === uid;
  } catch {
    return false;
  }
}

/** The socket prefix the launcher's argv carries. */
export function socketPrefix(dir: string): string {
  return `${dir}/t${Deno.pid}`;
}

/** Listens on the socket for `launcherPid`; returns its fd and path. */
export function listenForLauncher(
  dir: string,
  launcherPid: number,
): { fd: number; path: string } | { error: string } {
  const c = rendezvousLib();
  const path = socketPath(socketPrefix(dir), launcherPid);
  const address = unixAddress(path)!;
  c.unlink(cString(path));
  const fd = c.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return { error: `cannot create a Unix socket (errno ${errno()})` };
  if (c.bind(fd, address, address.length) !== 0 || c.listen(fd, 4) !== 0) {
    const error = errno();
    c.close(fd);
    return { error: `cannot listen on "${path}" (errno ${error})` };
  }
  return { fd, path };
}
