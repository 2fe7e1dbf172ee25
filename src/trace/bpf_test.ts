import { assertEquals } from "@ddcoterm/assert";
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_ARM,
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  encodeFilter,
  evaluateFilter,
  EXEC_SYSCALLS,
  execFilter,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_USER_NOTIF,
  X32_SYSCALL_BIT,
} from "./bpf.ts";

Deno.test("filter notifies every exec system call of every known arch", () => {
  const program = execFilter();
  for (const call of EXEC_SYSCALLS) {
    assertEquals(evaluateFilter(program, call.arch, call.nr), SECCOMP_RET_USER_NOTIF);
  }
});

Deno.test("filter allows other system calls, including another arch's exec numbers", () => {
  const program = execFilter();
  const cases: [number, number][] = [
    [AUDIT_ARCH_X86_64, 0],
    [AUDIT_ARCH_X86_64, 11], // i386 execve number, munmap on x86_64
    [AUDIT_ARCH_X86_64, 57], // fork
    [AUDIT_ARCH_X86_64, X32_SYSCALL_BIT | 59], // not an x32 exec number
    [AUDIT_ARCH_I386, 59],
    [AUDIT_ARCH_I386, 322],
    [AUDIT_ARCH_AARCH64, 59],
    [AUDIT_ARCH_ARM, 221],
    [0x12345678, 59], // an arch no kernel above runs
  ];
  for (const [arch, nr] of cases) {
    assertEquals(evaluateFilter(program, arch, nr), SECCOMP_RET_ALLOW, `arch ${arch} nr ${nr}`);
  }
});

Deno.test("filter encodes as 8-byte sock_filter entries with jumps inside the program", () => {
  const program = execFilter();
  const bytes = encodeFilter(program);
  assertEquals(bytes.length, program.length * 8);
  program.forEach((insn, i) => {
    if (insn.code !== 0x15) return;
    assertEquals(i + 1 + insn.jt < program.length, true);
    assertEquals(i + 1 + insn.jf < program.length, true);
  });
});
