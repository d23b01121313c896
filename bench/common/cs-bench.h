/* cs-bench.h: measuring a benchmark variant in a forked child
 *
 * The child does the work, so its peak RSS (wait4 rusage) is its own and one
 * variant's allocations cannot flatter or burden the next. Subtract the RSS
 * of a child that does nothing to get what the work itself needed. Every
 * benchmark under bench/ that forks uses this; benchmarks timed in their own
 * process take its clocks, cs_bench_now and cs_bench_cpu_now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double   seconds;        /* wall time of the work, measured in the child */
  double   cpu_seconds;    /* user + system time of the child */
  double   user_seconds;   /* user time of the child (cpu_seconds less the kernel's part) */
  long     maxrss_kib;     /* peak RSS of the child */
  guint64  count;          /* what the work counted (records, fields, resources…) */
  double   checksum;       /* something computed from the data, so nothing is optimised away */
  gboolean ok;
  char     message[256];   /* why the work failed (cut); empty when the child died first */
} CsBenchResult;

/* The work of one variant; runs in the child. */
typedef gboolean (*CsBenchFunc) (gpointer   data,
                                 guint64   *count,
                                 double    *checksum,
                                 GError   **error);

/* Runs func in a forked child; a failure is printed with label, unless
 * label is NULL (the caller reports result.message itself). */
CsBenchResult cs_bench_run_in_child (const char    *label,
                                     CsBenchFunc    func,
                                     gpointer       data);

/* Folds a run into best: the fastest run's times and counts, the largest
 * peak RSS of all runs. best starts zeroed; a failed run makes it failed. */
void          cs_bench_keep_best    (CsBenchResult       *best,
                                     const CsBenchResult *run);

/* The same, keeping the run with the least CPU time (the figure that moves
 * least when the machine is shared). */
void          cs_bench_keep_least_cpu (CsBenchResult       *best,
                                       const CsBenchResult *run);

/* Wall seconds (monotonic) and CPU seconds of the process (user + system,
 * every thread), for timing in-process. */
double        cs_bench_now          (void);
double        cs_bench_cpu_now      (void);
/* A standard normal deviate (Box–Muller) for synthetic data */
double        cs_bench_normal       (GRand               *rand);

G_END_DECLS
