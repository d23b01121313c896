/* cs-big-mem.h: arrays that grow with a table, in bounded memory
 *
 * A mapping run keeps a few arrays per row of a table: where a row starts
 * in its file, a hash index of its keys, the fingerprints of the keys seen
 * so far. A pool holds them within a limit. Up to three quarters of it they
 * are ordinary heap memory, reached directly. Past that, an array that
 * grows or is made lives in an unlinked temporary file (in $TMPDIR), read
 * and written a 4 KiB page at a time through the pool's cache of pages, the
 * rest of the limit (its window). The process then holds at most the limit,
 * however many rows there are; the kernel keeps the files in its page cache
 * while memory is plentiful, so a page missed costs a pread (and a pwrite
 * when it was changed), not a disk access.
 *
 * A file's space is reserved (fallocate) before a page of it is written, so
 * a full disk shows as the array staying on the heap. Where no file can be
 * made (a read-only $TMPDIR, a file system without fallocate), everything
 * stays on the heap: nothing is lost, the limit is not kept. A page that
 * cannot be read or written (an I/O error) makes cs_big_mem_check() fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CsBigMem CsBigMem;
typedef struct _CsBigArray CsBigArray;

/* The limit of a pool unless told otherwise: 16 MiB */
#define CS_BIG_MEM_DEFAULT_LIMIT ((gsize) 16 << 20)
#define CS_BIG_MEM_PAGE          ((gsize) 4096)

struct _CsBigArray
{
  /*< private >*/
  guint8   *heap;        /* the bytes when on the heap, else NULL */
  gsize     size;
  CsBigMem *mem;
  gsize     last_page;   /* the page reached last, in the pool's cache at last_data;
                            G_MAXSIZE when none is */
  guint8   *last_data;
  gboolean  last_dirty;
};

/* limit: bytes of arrays the process holds; the window is a quarter of it,
 * at least 64 KiB and at most 4 MiB, the heap the rest (0: everything in
 * files, a 64 KiB window). */
CsBigMem   *cs_big_mem_new            (gsize        limit);
/* Frees the pool and every array still in it. */
void        cs_big_mem_free           (CsBigMem    *self);

/* size bytes, zeroed. */
CsBigArray *cs_big_array_new          (CsBigMem    *mem,
                                       gsize        size);
/* Grows or shrinks array to size bytes: its first bytes kept, new bytes zero. */
void        cs_big_array_resize       (CsBigArray  *array,
                                       gsize        size);
void        cs_big_array_free         (CsBigArray  *array);
gboolean    cs_big_array_is_in_file   (CsBigArray  *array);

const guint8 *_cs_big_array_page      (CsBigArray  *array,
                                       gsize        offset,
                                       gboolean     write);

/* Where the byte at offset is, to read, or to write. The bytes up to the
 * end of its page (a multiple of 4096) may be used; the pointer stays valid
 * until three other pages of the pool's files have been reached. */
static inline const guint8 *
cs_big_array_read (CsBigArray *array,
                   gsize       offset)
{
  if (G_LIKELY (array->heap != NULL))
    return array->heap + offset;
  if (offset / CS_BIG_MEM_PAGE == array->last_page)
    return array->last_data + offset % CS_BIG_MEM_PAGE;
  return _cs_big_array_page (array, offset, FALSE);
}

static inline guint8 *
cs_big_array_write (CsBigArray *array,
                    gsize       offset)
{
  if (G_LIKELY (array->heap != NULL))
    return array->heap + offset;
  if (offset / CS_BIG_MEM_PAGE == array->last_page && array->last_dirty)
    return array->last_data + offset % CS_BIG_MEM_PAGE;
  return (guint8 *) _cs_big_array_page (array, offset, TRUE);
}

/* Element i of an array of type (a power of two up to 16 bytes long). */
#define CS_BIG_ARRAY_GET(array, type, i) \
  (*(const type *) (gconstpointer) cs_big_array_read ((array), (gsize) (i) * sizeof (type)))
#define CS_BIG_ARRAY_SET(array, type, i, value) \
  (*(type *) (gpointer) cs_big_array_write ((array), (gsize) (i) * sizeof (type)) = (value))

/* FALSE, error set, when a page of a file could not be read or written. */
gboolean    cs_big_mem_check          (CsBigMem    *self,
                                       GError     **error);

gsize       cs_big_mem_get_window     (CsBigMem    *self);
/* Bytes of arrays on the heap and in files. */
gsize       cs_big_mem_get_heap_size  (CsBigMem    *self);
gsize       cs_big_mem_get_file_size  (CsBigMem    *self);
/* Pages read from files so far. */
guint64     cs_big_mem_get_misses     (CsBigMem    *self);

/* A size in bytes from text such as "16M", "512K", "0" or "1G"; FALSE
 * when text is not one. */
gboolean    cs_big_mem_parse_size     (const char  *text,
                                       gsize       *size);

/* For tests: the folder files are made in (NULL: $TMPDIR). */
void        _cs_big_mem_set_folder    (CsBigMem    *self,
                                       const char  *folder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBigMem, cs_big_mem_free)

G_END_DECLS
