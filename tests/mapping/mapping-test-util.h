/* mapping-test-util.h: run a mapping over CSV text in memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-mapping.h"

G_BEGIN_DECLS

typedef struct
{
  CsMapping        *mapping;
  CsMappingProgram *program;
  CsMappingRun     *run;
  GPtrArray        *resources;   /* char*: the JSON of each resource */
  GPtrArray        *ids;         /* char*: "Type/id" */
  GPtrArray        *problems;    /* char*: "error|clinical|3|age|7x|age|message" */
  GPtrArray        *elements;    /* char*: "Type/id path <- input:row:column, …" (trace) */
  CsMappingStats    stats;
  gboolean          ok;
  GError           *error;       /* of the run */
} MapRun;

/* TRUE: map_run_new() gives the tables through pipes (GUnixInputStream)
 * instead of as bytes in memory. */
extern gboolean map_test_pipe_inputs;

/* tables: "role", "csv text", …, NULL. Asserts that load and compile work. */
MapRun   *map_run_new         (const char        *mapping_text,
                               CsMappingRunFlags  flags,
                               ...) G_GNUC_NULL_TERMINATED;
/* Like map_run_new() but returns the compile error instead (NULL if it compiled). */
GError   *map_compile_error   (const char        *mapping_text,
                               ...) G_GNUC_NULL_TERMINATED;
void      map_run_execute     (MapRun            *r,
                               GCancellable      *cancellable);
void      map_run_free        (MapRun            *r);
/* The resource with this "Type/id", or NULL */
const char *map_run_find      (MapRun            *r,
                               const char        *type_id);
/* The first resource of a type, or NULL */
const char *map_run_first     (MapRun            *r,
                               const char        *type);
guint     map_run_count       (MapRun            *r,
                               const char        *type);
/* Asserts that some problem contains all the parts */
void      map_run_assert_problem (MapRun         *r,
                                  const char     *part1,
                                  const char     *part2);
char     *map_test_replace    (const char        *text,
                               const char        *old,
                               const char        *new);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MapRun, map_run_free)

G_END_DECLS
