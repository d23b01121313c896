/* cs-stats-matrix.c: features × clinical correlation matrix on threads
 *
 * Phase 1 (parallel over columns): each column is sorted once (Spearman)
 * and, when it has no missing value, standardised (ranks or values minus
 * their mean, divided by their norm). Phase 2 (parallel over feature
 * blocks): a cell whose two columns are complete is one dot product; a
 * cell with missing values re-ranks the pairwise-complete rows by walking
 * each column's sort order once (O(n), no sort). Then Benjamini–Hochberg
 * over every defined p of the matrix.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "cs-stats-private.h"

#define FEATURE_BLOCK 4

typedef struct
{
  const double *values;
  guint32      *order;      /* Spearman: rows with a value, sorted by value */
  guint         n_present;
  double       *z;          /* complete columns: standardised ranks/values; NULL otherwise */
  gboolean      constant;   /* complete and constant: every cell undefined */
} Column;

typedef struct
{
  Column         *columns;      /* features first, then clinical */
  guint           n_features;
  guint           n_clinical;
  gsize           n_obs;
  CsStatsMethod   method;
  CsCorrMatrix   *matrix;
  const gint     *cancel;
  gint            next;         /* atomic work counter */
  guint           n_items;
} Job;

static gboolean
cancelled (const Job *job)
{
  return job->cancel != NULL && g_atomic_int_get (job->cancel) != 0;
}

/* Writes average ranks (1-based) of the rows where mask is set (or of all
 * present rows when mask is NULL) into ranks[row], walking col->order. */
static void
rank_by_order (const Column *col,
               const guint8 *mask,
               double       *ranks)
{
  const double *v = col->values;
  guint pos = 0;
  guint i = 0;

  while (i < col->n_present)
    {
      guint32 row = col->order[i];
      double value;
      guint start, count = 0;
      double avg;

      if (mask != NULL && !mask[row])
        {
          i++;
          continue;
        }

      value = v[row];
      start = i;
      /* the tie group: every following masked row with the same value */
      for (guint k = start; k < col->n_present && v[col->order[k]] == value; k++)
        if (mask == NULL || mask[col->order[k]])
          count++;
      avg = (double) pos + ((double) count + 1.0) / 2.0;
      for (; i < col->n_present && v[col->order[i]] == value; i++)
        if (mask == NULL || mask[col->order[i]])
          ranks[col->order[i]] = avg;
      pos += count;
    }
}

static void
prepare_column (Job    *job,
                Column *col)
{
  gsize n = job->n_obs;
  g_autofree double *ranks = NULL;
  const double *src;
  double mean = 0, ss = 0;

  col->n_present = 0;
  for (gsize i = 0; i < n; i++)
    if (!isnan (col->values[i]))
      col->n_present++;

  if (job->method == CS_STATS_METHOD_SPEARMAN)
    {
      g_autofree CsSortItem *items = g_new (CsSortItem, MAX (col->n_present, 1));
      guint k = 0;

      for (gsize i = 0; i < n; i++)
        if (!isnan (col->values[i]))
          {
            items[k].value = col->values[i];
            items[k].row = (guint32) i;
            k++;
          }
      cs_stats_sort_items (items, k);
      col->order = g_new (guint32, MAX (k, 1));
      for (guint i = 0; i < k; i++)
        col->order[i] = items[i].row;
    }

  if (col->n_present != n || n == 0)
    return;

  if (job->method == CS_STATS_METHOD_SPEARMAN)
    {
      ranks = g_new (double, n);
      rank_by_order (col, NULL, ranks);
      src = ranks;
    }
  else
    src = col->values;

  col->constant = TRUE;
  for (gsize i = 0; i < n; i++)
    {
      mean += src[i];
      if (src[i] != src[0])
        col->constant = FALSE;
    }
  if (col->constant)
    return;
  mean /= (double) n;

  col->z = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      col->z[i] = src[i] - mean;
      ss += col->z[i] * col->z[i];
    }
  ss = sqrt (ss);
  for (gsize i = 0; i < n; i++)
    col->z[i] /= ss;
}

typedef struct
{
  guint8 *mask;
  double *rx;
  double *ry;
  double *cx;
  double *cy;
} Scratch;

static void
compute_cell (Job     *job,
              Scratch *s,
              guint    f,
              guint    c)
{
  const Column *fx = &job->columns[f];
  const Column *cy = &job->columns[job->n_features + c];
  gsize n = job->n_obs;
  gsize idx = (gsize) f * job->n_clinical + c;
  double r;
  gsize m = 0;

  if (fx->z != NULL && cy->z != NULL)
    {
      double dot = 0;

      for (gsize i = 0; i < n; i++)
        dot += fx->z[i] * cy->z[i];
      r = CLAMP (dot, -1.0, 1.0);
      m = n;
    }
  else
    {
      for (gsize i = 0; i < n; i++)
        {
          s->mask[i] = !isnan (fx->values[i]) && !isnan (cy->values[i]);
          m += s->mask[i];
        }
      if (m < 3 || fx->constant || cy->constant)
        r = NAN;
      else if (job->method == CS_STATS_METHOD_SPEARMAN)
        {
          gsize k = 0;

          rank_by_order (fx, s->mask, s->rx);
          rank_by_order (cy, s->mask, s->ry);
          for (gsize i = 0; i < n; i++)
            if (s->mask[i])
              {
                s->cx[k] = s->rx[i];
                s->cy[k] = s->ry[i];
                k++;
              }
          r = cs_stats_pearson_r_complete (s->cx, s->cy, m);
        }
      else
        {
          gsize k = 0;

          for (gsize i = 0; i < n; i++)
            if (s->mask[i])
              {
                s->cx[k] = fx->values[i];
                s->cy[k] = cy->values[i];
                k++;
              }
          r = cs_stats_pearson_r_complete (s->cx, s->cy, m);
        }
    }

  job->matrix->n[idx] = (guint) m;
  if (m < 3)
    r = NAN;
  job->matrix->r[idx] = r;
  if (job->method == CS_STATS_METHOD_SPEARMAN)
    job->matrix->p[idx] = cs_stats_spearman_p_value (r, m);
  else
    job->matrix->p[idx] = cs_stats_pearson_p_value (r, m);
}

static gpointer
prepare_worker (gpointer data)
{
  Job *job = data;

  for (;;)
    {
      guint i = (guint) g_atomic_int_add (&job->next, 1);

      if (i >= job->n_items || cancelled (job))
        break;
      prepare_column (job, &job->columns[i]);
    }

  return NULL;
}

static gpointer
cell_worker (gpointer data)
{
  Job *job = data;
  Scratch s;
  gsize n = MAX (job->n_obs, 1);

  s.mask = g_new (guint8, n);
  s.rx = g_new (double, n);
  s.ry = g_new (double, n);
  s.cx = g_new (double, n);
  s.cy = g_new (double, n);

  for (;;)
    {
      guint block = (guint) g_atomic_int_add (&job->next, 1);
      guint first = block * FEATURE_BLOCK;

      if (first >= job->n_features || cancelled (job))
        break;
      for (guint f = first; f < MIN (first + FEATURE_BLOCK, job->n_features); f++)
        for (guint c = 0; c < job->n_clinical; c++)
          compute_cell (job, &s, f, c);
    }

  g_free (s.mask);
  g_free (s.rx);
  g_free (s.ry);
  g_free (s.cx);
  g_free (s.cy);

  return NULL;
}

static void
run_parallel (Job         *job,
              guint        n_threads,
              GThreadFunc  func)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  job->next = 0;
  for (guint t = 1; t < n_threads; t++)
    {
      GThread *thread = g_thread_try_new ("cs-correlate", func, job, NULL);

      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }
  func (job);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
}

void
cs_corr_matrix_free (CsCorrMatrix *matrix)
{
  if (matrix == NULL)
    return;
  g_free (matrix->r);
  g_free (matrix->p);
  g_free (matrix->q);
  g_free (matrix->n);
  g_free (matrix);
}

CsCorrMatrix *
cs_stats_correlate_matrix (const double *const *features,
                           guint                n_features,
                           const double *const *clinical,
                           guint                n_clinical,
                           gsize                n_obs,
                           CsStatsMethod        method,
                           guint                n_threads,
                           const gint          *cancel)
{
  g_autoptr(CsCorrMatrix) matrix = NULL;
  g_autofree Column *columns = NULL;
  gsize cells = (gsize) n_features * n_clinical;
  guint n_columns = n_features + n_clinical;
  Job job = { 0 };

  g_return_val_if_fail (method == CS_STATS_METHOD_PEARSON || method == CS_STATS_METHOD_SPEARMAN, NULL);

  matrix = g_new0 (CsCorrMatrix, 1);
  matrix->n_rows = n_features;
  matrix->n_cols = n_clinical;
  matrix->r = g_new (double, MAX (cells, 1));
  matrix->p = g_new (double, MAX (cells, 1));
  matrix->q = g_new (double, MAX (cells, 1));
  matrix->n = g_new0 (guint, MAX (cells, 1));

  columns = g_new0 (Column, MAX (n_columns, 1));
  for (guint i = 0; i < n_features; i++)
    columns[i].values = features[i];
  for (guint i = 0; i < n_clinical; i++)
    columns[n_features + i].values = clinical[i];

  if (n_threads == 0)
    n_threads = g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, 64);

  job.columns = columns;
  job.n_features = n_features;
  job.n_clinical = n_clinical;
  job.n_obs = n_obs;
  job.method = method;
  job.matrix = matrix;
  job.cancel = cancel;

  job.n_items = n_columns;
  run_parallel (&job, MIN (n_threads, MAX (n_columns, 1)), prepare_worker);
  if (!cancelled (&job))
    run_parallel (&job, MIN (n_threads, MAX ((n_features + FEATURE_BLOCK - 1) / FEATURE_BLOCK, 1)), cell_worker);

  for (guint i = 0; i < n_columns; i++)
    {
      g_free (columns[i].order);
      g_free (columns[i].z);
    }

  if (cancelled (&job))
    return NULL;

  cs_stats_p_adjust_bh (matrix->p, cells, matrix->q);

  return g_steal_pointer (&matrix);
}
