/**
 * The supervisor's half of the launcher handshake (protocol.ts): accept the launcher, check
 * we can read its memory, say go, receive the listener or the reason there is none.
 */
import {
  cString,
  EBUSY,
  EINTR,
  errno,
  messageHeader,
  MSG_CMSG_CLOEXEC,
  O_CLOEXEC,
  O_RDONLY,
  POLLIN,
  pollOne,
  receivedFd,
  SO_PEERCRED,
  SOCK_CLOEXEC,
  SOL_SOCKET,
  supervisorLib,
} from "./libc.ts";
import { MSG_ERROR, MSG_GO, MSG_LISTENER, MSG_NO } from "./protocol.ts";
import type { TraceNotice } from "./types.ts";

/** Longer than the launcher's own waits, so it gives up first. */
const ACCEPT_TIMEOUT_MS = 15000;

export type HandshakeResult =
  | { kind: "listener"; fd: number }
  | { kind: "fallback"; notice: TraceNotice }
  | { kind: "nested"; notice: TraceNotice }
  /** The launcher ended, or the recorder stopped, before the handshake: nothing to trace. */
  | { kind: "gone" };

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  22: "EINVAL",
  38: "ENOSYS",
  95: "EOPNOTSUPP",
};

function fallback(reason: string): HandshakeResult {
  return {
    kind: "fallback",
    notice: {
      kind: "fallback",
      message: `process_info: ${reason}; falling back to --process-info=proc`,
    },
  };
}

export function handshake(
  listenFd: number,
  socketPath: string,
  launcherPid: number,
  stopFd: number,
  accepted: () => void,
): HandshakeResult {
  const c = supervisorLib();
  const conn = acceptLauncher(listenFd, launcherPid, stopFd);
  c.unlink(cString(socketPath));
  accepted();
  if (conn === "gone") return { kind: "gone" };
  if (conn === "timeout") return fallback("the trace launcher did not connect in time");
  try {
    const memory = c.open(cString(`/proc/${launcherPid}/mem`), O_RDONLY | O_CLOEXEC, 0);
    if (memory < 0) {
      send(conn, MSG_NO);
      return fallback(
        `cannot read process memory (errno ${
          ERRNO_NAMES[errno()] ?? errno()
        }; ptrace restrictions such as Yama ptrace_scope >= 2)`,
      );
    }
    c.close(memory);
    send(conn, MSG_GO);
    return receiveListener(conn);
  } finally {
    c.close(conn);
  }
}

/** A connection from the launcher (checked by its pid), or why there is none. */
function acceptLauncher(
  listenFd: number,
  launcherPid: number,
  stopFd: number,
): number | "gone" | "timeout" {
  const c = supervisorLib();
  const pidfd = c.pidfd_open(launcherPid, 0);
  const fds = new Uint8Array(24);
  const view = new DataView(fds.buffer);
  [listenFd, stopFd, pidfd].forEach((fd, i) => {
    view.setInt32(i * 8, fd, true);
    view.setInt16(i * 8 + 4, POLLIN, true);
  });
  const deadline = Date.now() + ACCEPT_TIMEOUT_MS;
  try {
    while (true) {
      const rc = c.poll(fds, 3n, Math.max(0, deadline - Date.now()));
      if (rc < 0 && errno() === EINTR) continue;
      if (rc <= 0) return "timeout";
      if (view.getInt16(6, true) & POLLIN) {
        const conn = c.accept4(listenFd, null, null, SOCK_CLOEXEC);
        if (conn >= 0 && peerPid(conn) === launcherPid) return conn;
        if (conn >= 0) c.close(conn);
        continue;
      }
      // The launcher exited (pidfd readable) or the recorder is stopping.
      return "gone";
    }
  } finally {
    if (pidfd >= 0) c.close(pidfd);
  }
}

function peerPid(conn: number): number {
  const credentials = new Uint8Array(12);
  const length = new Uint32Array([12]);
  const rc = supervisorLib().getsockopt(
    conn,
    SOL_SOCKET,
    SO_PEERCRED,
    credentials,
    new Uint8Array(length.buffer),
  );
  return rc === 0 ? new DataView(credentials.buffer).getInt32(0, true) : -1;
}

function send(conn: number, byte: number): void {
  supervisorLib().write(conn, new Uint8Array([byte]), 1n);
}

function receiveListener(conn: number): HandshakeResult {
  const c = supervisorLib();
  if (pollOne(c.poll, conn, ACCEPT_TIMEOUT_MS) <= 0) {
    return fallback("the trace launcher did not answer");
  }
  const data = new Uint8Array(16);
  const message = messageHeader(data);
  const n = Number(c.recvmsg(conn, message.header, MSG_CMSG_CLOEXEC));
  const fd = n > 0 ? receivedFd(message.header, message.control) : -1;
  if (n > 0 && data[0] === MSG_LISTENER && fd >= 0) return { kind: "listener", fd };
  if (fd >= 0) c.close(fd);
  if (n > 0 && data[0] === MSG_ERROR) {
    const code = Number(new TextDecoder().decode(data.subarray(1, n)));
    if (code === EBUSY) {
      return {
        kind: "nested",
        notice: {
          kind: "nested",
          message:
            "process_info: this session runs inside another traced session (seccomp listener busy); recording without process_info",
        },
      };
    }
    return fallback(`seccomp exec tracing is unavailable (${ERRNO_NAMES[code] ?? code})`);
  }
  return fallback("the trace launcher ended the handshake early");
}
