/**
 * The signal dispositions and mask ddcoterm itself was started with, so that a child starts as
 * it would have from the user's shell: exec keeps ignored signals ignored (`nohup`, `trap ''`)
 * and keeps the mask. Read before ddcoterm installs any handler of its own.
 */

/**
 * Always reset, as their first disposition is unknown: Deno ignores SIGPIPE, and glibc takes
 * its two internal signals (32, 33) for itself at start. A shell gives its commands the
 * default for all three.
 */
const ALWAYS_RESET = (1n << 12n) | (1n << 31n) | (1n << 32n);
/** Bytes of glibc's sigset_t. */
const SIGSET_BYTES = 128;

let inherited: { ignored: bigint; blocked: bigint } | null = null;

/** Reads this process's dispositions once; call before any signal listener is added. */
export function captureInheritedSignals(): void {
  if (inherited) return;
  inherited = { ignored: 0n, blocked: 0n };
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    inherited.ignored = field(status, "SigIgn");
    inherited.blocked = field(status, "SigBlk");
  } catch {
    // No /proc: every signal starts at its default, unblocked.
  }
}

/**
 * The spawn attributes' sets: signals to reset to their default action, and the mask.
 *
 * Every signal is reset except the inherited ignored ones (but see ALWAYS_RESET). The bits
 * are set directly: sigfillset leaves out glibc's internal signals, which posix_spawn would
 * then leave ignored in the child.
 */
export function spawnSignalSets(): { reset: Uint8Array; mask: Uint8Array } {
  captureInheritedSignals();
  const keepIgnored = inherited!.ignored & ~ALWAYS_RESET;
  const reset = new Uint8Array(SIGSET_BYTES);
  const mask = new Uint8Array(SIGSET_BYTES);
  // Linux has 64 signals; bit n-1 of the first word is signal n.
  new DataView(reset.buffer).setBigUint64(0, ~keepIgnored & 0xffff_ffff_ffff_ffffn, true);
  new DataView(mask.buffer).setBigUint64(0, inherited!.blocked, true);
  return { reset, mask };
}

function field(status: string, name: string): bigint {
  const match = status.match(new RegExp(`^${name}:\\s*([0-9a-f]+)$`, "m"));
  return match ? BigInt(`0x${match[1]}`) : 0n;
}
