/*
 * Benchmark harness: runs a command on a fresh pty as a terminal would, and measures from the
 * outside. Not part of ddcoterm; compiled by bench/recorder.ts with the system's cc.
 *
 *   ptybench run -- CMD...        read and discard all output; print
 *                                 {"wall_ms","cpu_ms","user_ms","sys_ms","bytes","status","max_rss_kb"} (cpu: the
 *                                 child; max_rss_kb: the largest process of its tree)
 *   ptybench echo N -- CMD...     after 1 s of quiet, N times: write one byte, time
 *                                 until a byte comes back; print {"latencies_us":[...]}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static pid_t start(char **argv, int *master) {
  struct winsize ws = {.ws_row = 40, .ws_col = 120};
  pid_t pid = forkpty(master, NULL, NULL, &ws);
  if (pid < 0) { perror("forkpty"); exit(2); }
  if (pid == 0) {
    execvp(argv[0], argv);
    perror("execvp");
    _exit(127);
  }
  return pid;
}

static long max_rss_kb;
static double user_ms, sys_ms;

static int finish(pid_t pid, double *cpu_ms) {
  int status = 0;
  struct rusage ru, children;
  wait4(pid, &status, 0, &ru);
  user_ms = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
  sys_ms = ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
  *cpu_ms = user_ms + sys_ms;
  /* wait4's rusage covers the child alone; its descendants are in RUSAGE_CHILDREN. */
  getrusage(RUSAGE_CHILDREN, &children);
  max_rss_kb = children.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run(char **argv) {
  int master;
  double t0 = now_us();
  pid_t pid = start(argv, &master);
  static char buf[1 << 16];
  long long total = 0;
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) { total += n; continue; }
    if (n < 0 && errno == EINTR) continue;
    break; /* EOF or EIO: the slave side is gone */
  }
  double cpu;
  int status = finish(pid, &cpu);
  printf("{\"wall_ms\":%.3f,\"cpu_ms\":%.3f,\"user_ms\":%.3f,\"sys_ms\":%.3f,\"bytes\":%lld,"
         "\"status\":%d,\"max_rss_kb\":%ld}\n",
         (now_us() - t0) / 1e3, cpu, user_ms, sys_ms, total, status, max_rss_kb);
  return 0;
}

static int wait_readable(int fd, int timeout_ms) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, timeout_ms);
}

static int echo(int count, char **argv) {
  int master;
  pid_t pid = start(argv, &master);
  static char buf[4096];
  /* Give the program time to start (a recorder prints nothing with -q): drain until 1 s of quiet. */
  while (wait_readable(master, 1000) > 0) {
    if (read(master, buf, sizeof buf) <= 0) break;
  }
  printf("{\"latencies_us\":[");
  for (int i = 0; i < count; i++) {
    char c = 'a' + (i % 26);
    double t0 = now_us();
    if (write(master, &c, 1) != 1) break;
    if (wait_readable(master, 5000) <= 0) { fprintf(stderr, "no echo\n"); break; }
    ssize_t n = read(master, buf, sizeof buf);
    double dt = now_us() - t0;
    if (n <= 0) break;
    printf(i ? ",%.1f" : "%.1f", dt);
    usleep(2000);
    while (wait_readable(master, 0) > 0 && read(master, buf, sizeof buf) > 0) {}
  }
  printf("]}\n");
  fflush(stdout);
  kill(pid, SIGHUP);
  close(master);
  for (int i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) == 0; i++) usleep(10000);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "run") == 0 && strcmp(argv[2], "--") == 0) return run(argv + 3);
  if (argc >= 5 && strcmp(argv[1], "echo") == 0 && strcmp(argv[3], "--") == 0)
    return echo(atoi(argv[2]), argv + 4);
  fprintf(stderr, "usage: ptybench run -- CMD... | ptybench echo N -- CMD...\n");
  return 2;
}
