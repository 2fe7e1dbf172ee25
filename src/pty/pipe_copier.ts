/**
 * Copies a child's stdout and stderr pipes to ours, byte for byte, with a copy of every chunk
 * for the recorder. Reads are synchronous once poll says a pipe is ready; polls and writes run
 * on libc threads, so this thread stays free (with process_info it answers the child's execs)
 * however slowly our reader reads.
 */
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, readReady } from "./fdio.ts";
import { asyncLib } from "./libc.ts";

/** The most one read takes: the size pipe_session asks for its pipes. */
export const PIPE_CHUNK_BYTES = 1024 * 1024;

export interface PipeStream {
  /** Read end of the child's pipe (non-blocking). */
  from: number;
  /** Where it goes: 1 or 2. */
  to: number;
}

/**
 * Resolves once every stream has reached its end. When our reader goes away (`| head -1`), the
 * child's pipe is closed, so its next write raises SIGPIPE as the bare command's would; what it
 * wrote until then is still recorded.
 */
export async function copyPipes(
  streams: PipeStream[],
  record: (bytes: Uint8Array) => void,
): Promise<void> {
  const c = asyncLib();
  const open = streams.map(() => true);
  const fds = new Uint8Array(8 * streams.length);
  const view = new DataView(fds.buffer);
  const buffer = new Uint8Array(PIPE_CHUNK_BYTES);
  while (open.some(Boolean)) {
    streams.forEach((stream, i) => {
      view.setInt32(i * 8, open[i] ? stream.from : -1, true); // poll ignores negative fds
      view.setInt16(i * 8 + 4, POLLIN, true);
      view.setInt16(i * 8 + 6, 0, true);
    });
    if (await c.poll(fds, BigInt(streams.length), -1) <= 0) continue; // interrupted
    for (const [i, stream] of streams.entries()) {
      const events = view.getInt16(i * 8 + 6, true);
      if (!open[i] || (events & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) === 0) continue;
      const { got, ended } = readReady(stream.from, buffer);
      if (got > 0) {
        const chunk = buffer.slice(0, got);
        if (!await writeAll(stream.to, chunk)) {
          open[i] = false;
          await c.close(stream.from);
          continue;
        }
        record(chunk);
      }
      if (ended || (got === 0 && (events & (POLLHUP | POLLERR | POLLNVAL)) !== 0)) {
        open[i] = false;
        await c.close(stream.from);
      }
    }
  }
}

/** Writes everything to `fd`, waiting while it is full; false when its reader is gone. */
async function writeAll(fd: number, bytes: Uint8Array): Promise<boolean> {
  const c = asyncLib();
  const wait = new Uint8Array(8);
  const view = new DataView(wait.buffer);
  let offset = 0;
  let failures = 0;
  while (offset < bytes.length) {
    const rest = bytes.subarray(offset);
    const n = Number(await c.write(fd, rest as Uint8Array<ArrayBuffer>, BigInt(rest.length)));
    if (n > 0) {
      offset += n;
      failures = 0;
      continue;
    }
    // A file that is always "ready" but fails (a full disk): give up after a few tries.
    if (++failures > 3) return false;
    // errno stays on the libc thread: poll tells a full fd (wait) from a gone reader (stop).
    view.setInt32(0, fd, true);
    view.setInt16(4, POLLOUT, true);
    view.setInt16(6, 0, true);
    if (await c.poll(wait, 1n, -1) < 0) continue;
    if ((view.getInt16(6, true) & (POLLERR | POLLHUP | POLLNVAL)) !== 0) return false;
  }
  return true;
}
