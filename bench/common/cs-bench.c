/* cs-bench.c: measuring a benchmark variant in a forked child
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs-bench.h"

CsBenchResult
cs_bench_run_in_child (const char  *label,
                       CsBenchFunc  func,
                       gpointer     data)
{
  CsBenchResult result = { 0 };
  struct rusage usage;
  int status = 0;
  int fds[2];
  pid_t pid;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      CsBenchResult child = { 0 };
      gint64 start;

      close (fds[0]);
      start = g_get_monotonic_time ();
      child.ok = func (data, &child.count, &child.checksum, &error);
      child.seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      if (!child.ok)
        {
          g_strlcpy (child.message, error != NULL ? error->message : "failed", sizeof child.message);
          if (label != NULL)
            g_printerr ("%s: %s\n", label, child.message);
        }
      if (write (fds[1], &child, sizeof child) != (ssize_t) sizeof child)
        _exit (2);
      _exit (child.ok ? 0 : 1);
    }

  close (fds[1]);
  if (read (fds[0], &result, sizeof result) != (ssize_t) sizeof result)
    result.ok = FALSE;
  close (fds[0]);
  if (wait4 (pid, &status, 0, &usage) < 0)
    g_error ("wait4: %s", g_strerror (errno));
  result.maxrss_kib = usage.ru_maxrss;
  result.cpu_seconds = (double) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       (double) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  result.user_seconds = (double) usage.ru_utime.tv_sec + (double) usage.ru_utime.tv_usec / 1e6;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    result.ok = FALSE;
  return result;
}

static void
keep_best (CsBenchResult       *best,
           const CsBenchResult *run,
           gboolean             by_cpu)
{
  gboolean first = best->seconds == 0 && best->maxrss_kib == 0;
  long rss = MAX (best->maxrss_kib, run->maxrss_kib);

  if (!run->ok || (!first && !best->ok))
    {
      best->ok = FALSE;
      best->maxrss_kib = rss;
      return;
    }
  if (first || (by_cpu ? run->cpu_seconds < best->cpu_seconds : run->seconds < best->seconds))
    *best = *run;
  best->maxrss_kib = rss;
}

void
cs_bench_keep_best (CsBenchResult       *best,
                    const CsBenchResult *run)
{
  keep_best (best, run, FALSE);
}

void
cs_bench_keep_least_cpu (CsBenchResult       *best,
                         const CsBenchResult *run)
{
  keep_best (best, run, TRUE);
}

double
cs_bench_now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

double
cs_bench_cpu_now (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6
         + (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec / 1e6;
}

double
cs_bench_normal (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-12, 1.0);
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}
