/**
 * After the recording ends, processes it started may live on (`nohup job &`). Their execs
 * still stop at the seccomp filter, and with nobody holding the listener they would fail with
 * ENOSYS. So the recorder hands the listener to a detached drainer (`ddcoterm __trace-drain`,
 * listener on fd 3) that lets every exec continue, unrecorded. The drainer carries the filter
 * itself (the recorder that spawns it does), so the listener never tells it that the others are
 * gone: it looks in /proc (survivors.ts) whenever it has been idle for a while.
 */
import {
  cString,
  cStringArray,
  drainLib,
  EINTR,
  errno,
  POLLERR,
  POLLHUP,
  POLLIN,
  pollOne,
  spawnLib,
  waitLib,
} from "./libc.ts";
import { alive, DRAIN_COMMAND, type FilterMark, mayCarryFilter } from "./survivors.ts";

/** The hidden subcommand that runs the drainer. */
export { DRAIN_COMMAND };

const NOTIF_RECV = 0xc0502100n;
const NOTIF_SEND = 0xc0182101n;
const FLAG_CONTINUE = 1;
const DRAIN_FD = 3;
const O_RDWR = 2;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
/** How long the drainer waits idle before it looks for processes still under the filter. */
const CHECK_AFTER_MS = 1000;

export interface DrainArgs extends FilterMark {
  /** The recorder: it may start programs until it exits. */
  recorder: number;
}

export function formatDrainArgs(args: DrainArgs): string[] {
  return [`${args.lastPid}`, `${args.filters}`, `${args.recorder}`];
}

/**
 * Spawns the drainer with `listener` as its fd 3; false when it could not be started. Its exec
 * stops at the filter: whoever answers this session's notifications must keep answering until
 * this resolves, so the spawn runs on a pool thread.
 */
export async function spawnDrainer(
  listener: number,
  self: string[],
  args: DrainArgs,
): Promise<boolean> {
  const c = spawnLib();
  const actions = new Uint8Array(256);
  const attr = new Uint8Array(512);
  const allSignals = new Uint8Array(128);
  const noSignals = new Uint8Array(128);
  c.sigfillset(allSignals);
  c.sigemptyset(noSignals);
  c.posix_spawn_file_actions_init(actions);
  c.posix_spawnattr_init(attr);
  const devNull = cString("/dev/null");
  c.posix_spawn_file_actions_addopen(actions, 0, devNull, O_RDWR, 0);
  c.posix_spawn_file_actions_adddup2(actions, 0, 1);
  c.posix_spawn_file_actions_adddup2(actions, 0, 2);
  c.posix_spawn_file_actions_adddup2(actions, listener, DRAIN_FD);
  c.posix_spawn_file_actions_addclosefrom_np(actions, DRAIN_FD + 1);
  // Its own session: the terminal's hang-up must not end it.
  c.posix_spawnattr_setflags(
    attr,
    POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK,
  );
  c.posix_spawnattr_setsigdefault(attr, allSignals);
  c.posix_spawnattr_setsigmask(attr, noSignals);
  const argv = cStringArray([...self, DRAIN_COMMAND, ...formatDrainArgs(args)]);
  const env = cStringArray(Object.entries(Deno.env.toObject()).map(([k, v]) => `${k}=${v}`));
  const pid = new Int32Array(1);
  try {
    const rc = await waitLib().posix_spawn(
      new Uint8Array(pid.buffer),
      cString(self[0]),
      actions,
      attr,
      argv.array,
      env.array,
    );
    return rc === 0;
  } finally {
    void argv.keep;
    void env.keep;
    void devNull;
    c.posix_spawn_file_actions_destroy(actions);
    c.posix_spawnattr_destroy(attr);
  }
}

/**
 * The drainer's loop (`__trace-drain LASTPID FILTERS RECORDER`): continue every exec until the
 * recorder has exited and no other process may carry the filter.
 */
export function runDrain(args: string[]): never {
  const [lastPid, filters, recorder] = args.map(Number);
  const mark = { lastPid, filters };
  const c = drainLib();
  const notification = new Uint8Array(80);
  const response = new Uint8Array(24);
  const view = new DataView(response.buffer);
  view.setUint32(20, FLAG_CONTINUE, true);
  while (true) {
    const revents = pollOne(c.poll, DRAIN_FD, CHECK_AFTER_MS);
    if (revents < 0 && errno() === EINTR) continue;
    if (revents < 0 || revents & (POLLHUP | POLLERR)) break;
    if (revents === 0) {
      if (!alive(recorder) && !mayCarryFilter(mark, [Deno.pid])) break;
      continue;
    }
    if (!(revents & POLLIN)) break;
    notification.fill(0);
    if (c.ioctl(DRAIN_FD, NOTIF_RECV, notification) !== 0) continue;
    view.setBigUint64(0, new DataView(notification.buffer).getBigUint64(0, true), true);
    c.ioctl(DRAIN_FD, NOTIF_SEND, response);
  }
  Deno.exit(0);
}
