/* cs-mapping-writer-private.h: files written under a temporary name, and
 * the run's Provenance (cs-mapping-provenance.c) for the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include "cs-mapping-output.h"

G_BEGIN_DECLS

typedef struct _MapDirect MapDirect;

/* Buffered by hand (large writes of whole resources; no stdio locking). A
 * regular file is written with O_DIRECT where the file system takes it:
 * whole aligned buffers handed to a writer thread, which writes them in
 * order while the engine fills the next, so the kernel copies nothing (dio). */
typedef struct
{
  char  *path;
  char  *tmp_path;   /* path + ".XXXXXX", in the same folder so rename() is atomic */
  int    fd;         /* -1 when closed */
  char  *buffer;     /* being filled (dio: one of its buffers) */
  gsize  used;
  gsize  capacity;   /* of buffer */
  gboolean in_place; /* not a regular file (a FIFO, /dev/stdout): written in place */
  goffset  offset;      /* bytes written to fd (dio: handed to its thread) */
  goffset  chunk_start; /* start of the chunk not yet handed to the disk */
  goffset  dropped;     /* bytes before this are on disk and out of the page cache */
  MapDirect *dio;       /* O_DIRECT writes on a thread, or NULL */
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

/* An unlinked temporary file written and then read back in order. */
typedef struct
{
  int    fd;
  char  *buffer;
  gsize  used;
  gsize  pos;        /* reading: next byte in buffer */
  gboolean failed;
} MapSpill;

void      map_spill_init    (MapSpill    *spill);
void      map_spill_add     (MapSpill    *spill,
                             const char  *data,
                             gsize        length);
/* Switches to reading from the start; FALSE (error set) when writing failed. */
gboolean  map_spill_rewind  (MapSpill    *spill,
                             GError     **error);
/* The next line without its '\n' (valid until the next call), or NULL at the end. */
const char *map_spill_next_line (MapSpill *spill,
                                 gsize    *length);
/* The next length bytes (valid until the next call), or NULL at the end. */
const guint8 *map_spill_read (MapSpill *spill,
                              gsize     length);
/* After reading: append again at the end. */
void      map_spill_to_end  (MapSpill    *spill);
void      map_spill_clear   (MapSpill    *spill);

/* The Provenance's targets, "Type/id" of every resource written, in a
 * temporary file: a byte for the type (an index into the types seen), the
 * id's length and the id; 52 bytes for a feature Observation instead of a
 * 63-byte "Type/id" line. (Ids kept as 16-byte UUIDs took a tenth of the
 * engine's CPU time to parse; not worth the smaller file.) */
typedef struct
{
  MapSpill    spill;
  GPtrArray  *types;      /* char*, in the order first written */
  guint8      last_code;  /* of the last type written */
  gsize       last_len;
  char        line[255 + 1 + 254 + 1];   /* type/id */
  char       *long_line;  /* an id longer than line holds */
} MapTargets;

void        map_targets_init   (MapTargets  *targets);
void        map_targets_add    (MapTargets  *targets,
                                const char  *resource_type,
                                gsize        type_len,
                                const char  *id,
                                gsize        id_len);
gboolean    map_targets_rewind (MapTargets  *targets,
                                GError     **error);
/* The next target as "Type/id" (valid until the next call), or NULL at the end. */
const char *map_targets_next   (MapTargets  *targets,
                                gsize       *length);
void        map_targets_clear  (MapTargets  *targets);

typedef gboolean (*MapEmitFunc) (const char  *resource_type,
                                 const char  *id,
                                 GString     *json,
                                 gpointer     user_data,
                                 GError     **error);

/* Emits the run's Device and its Provenance resources (one per
 * CS_MAPPING_PROVENANCE_TARGETS targets read from targets). */
gboolean  map_provenance_write (const CsMappingProvenanceInfo *info,
                                MapTargets                    *targets,
                                MapEmitFunc                    emit,
                                gpointer                       user_data,
                                GError                       **error);

#define CS_MAPPING_PROVENANCE_TARGETS 10000

G_END_DECLS
