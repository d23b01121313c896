/* cs-mapping-writer-private.h: files written under a temporary name, and
 * the run's Provenance (cs-mapping-provenance.c) for the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include "cs-mapping-output.h"

G_BEGIN_DECLS

typedef struct
{
  char *path;
  char *tmp_path;   /* path + ".XXXXXX", in the same folder so rename() is atomic */
  FILE *fp;
  char *buffer;
} MapFile;

gboolean  map_file_open     (MapFile     *file,
                             const char  *path,
                             GError     **error);
gboolean  map_file_write    (MapFile     *file,
                             const char  *data,
                             gsize        length,
                             GError     **error);
/* Flushes, syncs and renames into place. */
gboolean  map_file_commit   (MapFile     *file,
                             GError     **error);
/* Closes and removes the temporary file (when not committed). */
void      map_file_abort    (MapFile     *file);
void      map_file_clear    (MapFile     *file);

typedef gboolean (*MapEmitFunc) (const char  *resource_type,
                                 const char  *id,
                                 GString     *json,
                                 gpointer     user_data,
                                 GError     **error);

/* Emits the run's Device and its Provenance resources (one per
 * CS_MAPPING_PROVENANCE_TARGETS targets read from targets, "Type/id" lines). */
gboolean  map_provenance_write (const CsMappingProvenanceInfo *info,
                                FILE                          *targets,
                                MapEmitFunc                    emit,
                                gpointer                       user_data,
                                GError                       **error);

#define CS_MAPPING_PROVENANCE_TARGETS 10000

G_END_DECLS
