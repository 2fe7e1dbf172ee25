import { errno, lib } from "./libc.ts";

/** poll(2) event bits and errno values the terminal proxy needs. */
export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
export const EAGAIN = 11;
export const EINTR = 4;

/**
 * Reads a non-blocking fd into `buffer` until the kernel has nothing more (or the buffer is
 * full). `ended`: end of file, or an error such as EIO (Linux's "the pty's other side is gone").
 */
export function drainFd(fd: number, buffer: Uint8Array): { got: number; ended: boolean } {
  const c = lib();
  let got = 0;
  while (got < buffer.length) {
    const n = Number(c.read(fd, buffer.subarray(got), BigInt(buffer.length - got)));
    if (n > 0) {
      got += n;
      continue;
    }
    if (n === 0) return { got, ended: true };
    const code = errno();
    if (code === EINTR) continue;
    return { got, ended: code !== EAGAIN };
  }
  return { got, ended: false };
}
