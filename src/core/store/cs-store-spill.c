/* cs-store-spill.c: where the JSON of a server's resources is kept
 *
 * A resource read from a local file is re-read from that file on demand; one
 * that came from a server has no such file, so its bytes are appended to an
 * unlinked file in the user cache folder. The kernel keeps that file in its
 * page cache while memory is plentiful and drops it when not, so a big
 * server cohort costs the table's facts in memory, not its JSON (60 MB per
 * 50,000 resources). Writing into page cache is also far cheaper than
 * touching as much fresh anonymous memory (docs/PERFORMANCE.md).
 *
 * If no file can be made, or a write fails (a full disk), nothing is lost:
 * what the file holds stays there, the unwritten buffer stays in memory, and
 * later resources go to memory segments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-store"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cs-io.h"
#include "cs-store-private.h"

/* Memory segments are 4 MiB (bigger for a bigger resource), aligned for huge
 * pages: with 4 KiB pages each page costs a fault when first written. */
#define SEGMENT_SIZE  (4u * 1024 * 1024)
#define SEGMENT_ALIGN (2u * 1024 * 1024)

static void
segment_clear (gpointer data)
{
  CsBlobSegment *segment = data;

  g_aligned_free (segment->data);
}

void
cs_spill_init (CsSpill *spill)
{
  memset (spill, 0, sizeof *spill);
  spill->fd = -1;
}

void
cs_spill_clear (CsSpill *spill)
{
  if (spill->fd >= 0)
    close (spill->fd);
  spill->fd = -1;
  g_clear_pointer (&spill->buf, g_free);
  g_clear_pointer (&spill->segments, g_array_unref);
}

static void
spill_open (CsSpill *spill)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "cohortscope", NULL);

  if ((g_mkdir_with_parents (dir, 0700) != 0 || (spill->fd = cs_open_unlinked (dir, "spill")) < 0) &&
      (spill->fd = cs_open_unlinked (NULL, "spill")) < 0)
    {
      g_debug ("No file for the resources' JSON (%s): keeping it in memory", g_strerror (errno));
      spill->failed = TRUE;
    }
}

static gboolean
write_all (int         fd,
           const char *bytes,
           gsize       len,
           guint64     position)
{
  if (cs_write_all (fd, bytes, len, (goffset) position, NULL))
    return TRUE;
  g_debug ("Cannot write the resources' JSON at %" G_GUINT64_FORMAT ": %s; keeping it in memory",
           position, g_strerror (errno));
  return FALSE;
}

/* On failure the buffer stays as it is, readable, and is never written. */
static void
write_buffer (CsSpill *spill)
{
  if (spill->used == 0)
    return;
  if (!write_all (spill->fd, spill->buf, spill->used, spill->buf_start))
    {
      spill->failed = TRUE;
      return;
    }
  spill->buf_start += spill->used;
  spill->used = 0;
}

static guint64
memory_append (CsSpill    *spill,
               const char *bytes,
               gsize       len)
{
  CsBlobSegment *segment = NULL;

  if (spill->segments == NULL)
    {
      spill->segments = g_array_new (FALSE, FALSE, sizeof (CsBlobSegment));
      g_array_set_clear_func (spill->segments, segment_clear);
    }
  if (spill->segments->len > 0)
    segment = &g_array_index (spill->segments, CsBlobSegment, spill->segments->len - 1);
  if (segment == NULL || segment->size - segment->len < len)
    {
      CsBlobSegment fresh = { NULL, 0, 0 };

      fresh.size = MAX (SEGMENT_SIZE, (len + SEGMENT_ALIGN - 1) / SEGMENT_ALIGN * SEGMENT_ALIGN);
      fresh.data = g_aligned_alloc (1, fresh.size, SEGMENT_ALIGN);
#ifdef MADV_HUGEPAGE
      madvise (fresh.data, fresh.size, MADV_HUGEPAGE);
#endif
      g_array_append_val (spill->segments, fresh);
      segment = &g_array_index (spill->segments, CsBlobSegment, spill->segments->len - 1);
    }
  memcpy (segment->data + segment->len, bytes, len);
  segment->len += len;
  return CS_BLOB_IN_MEMORY
         | ((guint64) (spill->segments->len - 1) << CS_BLOB_SHIFT)
         | (segment->len - len);
}

/* Keeps len bytes; returns the offset to read them back with. */
guint64
cs_spill_append (CsSpill    *spill,
                 const char *bytes,
                 gsize       len)
{
  if (!spill->failed && spill->fd < 0)
    spill_open (spill);
  if (!spill->failed && spill->used + len > CS_SPILL_BUFFER)
    write_buffer (spill);
  if (!spill->failed)
    {
      guint64 offset = spill->buf_start + spill->used;

      if (len <= CS_SPILL_BUFFER)
        {
          if (spill->buf == NULL)
            spill->buf = g_malloc (CS_SPILL_BUFFER);
          memcpy (spill->buf + spill->used, bytes, len);
          spill->used += len;
          return offset;
        }
      /* bigger than the buffer (which is empty now): straight to the file */
      if (write_all (spill->fd, bytes, len, offset))
        {
          spill->buf_start += len;
          return offset;
        }
      spill->failed = TRUE;
    }
  return memory_append (spill, bytes, len);
}

/* Loading is over: the buffer goes to the file (and its memory back). */
void
cs_spill_flush (CsSpill *spill)
{
  if (spill->failed || spill->fd < 0)
    return;
  write_buffer (spill);
  if (!spill->failed)
    g_clear_pointer (&spill->buf, g_free);
}

/* A copy of len bytes at offset, 0-terminated. */
char *
cs_spill_read (CsSpill  *spill,
               guint64   offset,
               gsize     len,
               GError  **error)
{
  g_autofree char *copy = NULL;
  gsize done = 0;

  if (offset & CS_BLOB_IN_MEMORY)
    {
      guint64 index = (offset & ~CS_BLOB_IN_MEMORY) >> CS_BLOB_SHIFT;
      guint64 position = offset & ((G_GUINT64_CONSTANT (1) << CS_BLOB_SHIFT) - 1);
      const CsBlobSegment *segment = spill->segments != NULL && index < spill->segments->len
                                     ? &g_array_index (spill->segments, CsBlobSegment, index) : NULL;

      if (segment == NULL || position + len > segment->len)
        {
          g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                       _("no kept bytes at %" PRIu64), offset);
          return NULL;
        }
      return g_strndup (segment->data + position, len);
    }

  if (spill->buf != NULL && offset >= spill->buf_start)
    {
      if (offset - spill->buf_start + len > spill->used)
        {
          g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                       _("no kept bytes at %" PRIu64), offset);
          return NULL;
        }
      return g_strndup (spill->buf + (offset - spill->buf_start), len);
    }

  if (spill->fd < 0 || offset + len > spill->buf_start)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                   _("no kept bytes at %" PRIu64), offset);
      return NULL;
    }
  copy = g_malloc (len + 1);
  while (done < len)
    {
      ssize_t n = pread (spill->fd, copy + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NO_SUCH_RESOURCE,
                       _("cannot read the kept bytes at %" PRIu64 ": %s"), offset + done,
                       n < 0 ? g_strerror (saved) : _("the file is shorter"));
          return NULL;
        }
      done += (gsize) n;
    }
  copy[len] = '\0';
  return g_steal_pointer (&copy);
}

void
_cs_store_set_spill_fd (CsStore *self,
                        int      fd)
{
  g_return_if_fail (CS_IS_STORE (self));
  g_return_if_fail (self->spill.fd < 0 && !self->spill.failed && self->spill.buf == NULL);

  self->spill.fd = fd;
  self->spill.failed = fd < 0;
}

void
_cs_store_get_spill_size (CsStore *self,
                          guint64 *in_file,
                          guint64 *in_memory)
{
  guint64 file = 0, memory = 0;

  g_return_if_fail (CS_IS_STORE (self));

  file = self->spill.buf_start;
  if (self->spill.failed)
    memory += self->spill.used;
  else
    file += self->spill.used;
  for (guint i = 0; self->spill.segments != NULL && i < self->spill.segments->len; i++)
    memory += g_array_index (self->spill.segments, CsBlobSegment, i).len;
  if (in_file != NULL)
    *in_file = file;
  if (in_memory != NULL)
    *in_memory = memory;
}
