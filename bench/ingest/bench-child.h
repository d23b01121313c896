/* bench-child.h: run a measurement in a forked child, so its peak RSS is its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* Fills result (result_size bytes) in the child. */
typedef void (*BenchChildFunc) (gpointer data,
                                gpointer result);

/* Runs func (data, result) in a forked child and copies its result back
 * through a pipe. Gives the child's peak RSS (KiB) and CPU time. FALSE when
 * the child died before handing its result back. */
gboolean bench_run_in_child (BenchChildFunc  func,
                             gpointer        data,
                             gpointer        result,
                             gsize           result_size,
                             long           *maxrss_kib,
                             double         *cpu_seconds);
