/**
 * The seccomp filter: a classic BPF program that asks the supervisor about execve and
 * execveat and allows everything else. Every architecture a process can switch to on the
 * supported kernels is matched explicitly by its audit arch (x86_64 kernels also run i386 and
 * x32 code; arm64 kernels run arm), so a 32-bit binary cannot exec unseen.
 */

/** The seccomp_data audit arch values. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
export const AUDIT_ARCH_ARM = 0x40000028;
/** x32 system calls run under AUDIT_ARCH_X86_64 with this bit set in the number. */
export const X32_SYSCALL_BIT = 0x40000000;

export type ExecCall = "execve" | "execveat";

export interface ExecSyscall {
  arch: number;
  nr: number;
  call: ExecCall;
  /** Size of a pointer in the calling process: 4 for i386, x32 and arm. */
  pointerSize: 4 | 8;
}

/** Every exec system call the filter traps. */
export const EXEC_SYSCALLS: readonly ExecSyscall[] = [
  { arch: AUDIT_ARCH_X86_64, nr: 59, call: "execve", pointerSize: 8 },
  { arch: AUDIT_ARCH_X86_64, nr: 322, call: "execveat", pointerSize: 8 },
  { arch: AUDIT_ARCH_X86_64, nr: X32_SYSCALL_BIT | 520, call: "execve", pointerSize: 4 },
  { arch: AUDIT_ARCH_X86_64, nr: X32_SYSCALL_BIT | 545, call: "execveat", pointerSize: 4 },
  { arch: AUDIT_ARCH_I386, nr: 11, call: "execve", pointerSize: 4 },
  { arch: AUDIT_ARCH_I386, nr: 358, call: "execveat", pointerSize: 4 },
  { arch: AUDIT_ARCH_AARCH64, nr: 221, call: "execve", pointerSize: 8 },
  { arch: AUDIT_ARCH_AARCH64, nr: 281, call: "execveat", pointerSize: 8 },
  { arch: AUDIT_ARCH_ARM, nr: 11, call: "execve", pointerSize: 4 },
  { arch: AUDIT_ARCH_ARM, nr: 387, call: "execveat", pointerSize: 4 },
];

export function findExecSyscall(arch: number, nr: number): ExecSyscall | undefined {
  return EXEC_SYSCALLS.find((s) => s.arch === arch && s.nr === nr);
}

export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;

const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_RET_K = 0x06;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/**
 * The program: for each arch, `if arch == A { if nr in calls(A) notify else allow }`; any
 * other arch is allowed (none exists on the kernels above).
 */
export function execFilter(): BpfInstruction[] {
  const arches = [...new Set(EXEC_SYSCALLS.map((s) => s.arch))];
  const program: BpfInstruction[] = [];
  for (const arch of arches) {
    const numbers = EXEC_SYSCALLS.filter((s) => s.arch === arch).map((s) => s.nr);
    // Block: ld arch; jeq arch ? next : skip block; ld nr; (jeq nr ? notify : next)*; allow; notify
    const blockLength = 3 + numbers.length + 2;
    program.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFFSET_ARCH });
    program.push({ code: BPF_JMP_JEQ_K, jt: 0, jf: blockLength - 2, k: arch });
    program.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFFSET_NR });
    numbers.forEach((nr, i) => {
      program.push({ code: BPF_JMP_JEQ_K, jt: numbers.length - i, jf: 0, k: nr });
    });
    program.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW });
    program.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_USER_NOTIF });
  }
  program.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW });
  return program;
}

/** The program as struct sock_filter[] (8 bytes each, host byte order = little endian). */
export function encodeFilter(program: BpfInstruction[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  program.forEach((insn, i) => {
    view.setUint16(i * 8, insn.code, true);
    view.setUint8(i * 8 + 2, insn.jt);
    view.setUint8(i * 8 + 3, insn.jf);
    view.setUint32(i * 8 + 4, insn.k >>> 0, true);
  });
  return bytes;
}

/**
 * Runs the program on (arch, nr) the way the kernel would, for the subset of BPF it uses: the
 * test oracle that the jumps are right.
 */
export function evaluateFilter(program: BpfInstruction[], arch: number, nr: number): number {
  let accumulator = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const insn = program[pc];
    if (insn.code === BPF_LD_W_ABS) accumulator = insn.k === OFFSET_ARCH ? arch : nr;
    else if (insn.code === BPF_JMP_JEQ_K) {
      pc += (accumulator >>> 0) === (insn.k >>> 0) ? insn.jt : insn.jf;
    } else if (insn.code === BPF_RET_K) return insn.k;
    else throw new Error(`Unexpected BPF instruction code ${insn.code} at ${pc}`);
  }
  throw new Error("The BPF program fell off its end");
}
