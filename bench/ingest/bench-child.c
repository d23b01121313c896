/* bench-child.c: run a measurement in a forked child, so its peak RSS is its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-child.h"

gboolean
bench_run_in_child (BenchChildFunc  func,
                    gpointer        data,
                    gpointer        result,
                    gsize           result_size,
                    long           *maxrss_kib,
                    double         *cpu_seconds)
{
  struct rusage usage;
  int status = 0;
  gboolean ok;
  int fds[2];
  pid_t pid;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (pid == 0)
    {
      close (fds[0]);
      func (data, result);
      if (write (fds[1], result, result_size) != (ssize_t) result_size)
        _exit (2);
      _exit (0);
    }

  close (fds[1]);
  ok = read (fds[0], result, result_size) == (ssize_t) result_size;
  close (fds[0]);
  if (wait4 (pid, &status, 0, &usage) < 0)
    g_error ("wait4: %s", g_strerror (errno));
  if (maxrss_kib != NULL)
    *maxrss_kib = usage.ru_maxrss;
  if (cpu_seconds != NULL)
    *cpu_seconds = (double) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   (double) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return ok && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}
