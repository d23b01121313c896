/* cs-mapping-writer.c: NDJSON and Bundle output, the problem report and the
 * element trace, each written to a temporary file and renamed into place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifdef __linux__
#define _GNU_SOURCE   /* sync_file_range */
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cs-io.h"
#include "cs-mapping-output.h"
#include "cs-mapping-program.h"
#include "cs-mapping-writer-private.h"

#define BUFFER_SIZE (256 << 10)

/* ------------------------------------------------------------------ */
/* A file written under a temporary name                               */

/* Turns O_DIRECT on or off for fd; TRUE when that changed it */
static gboolean
set_direct (int      fd,
            gboolean on)
{
#ifdef O_DIRECT
  int flags = fcntl (fd, F_GETFL);

  if (flags < 0 || ((flags & O_DIRECT) != 0) == on)
    return FALSE;
  return fcntl (fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
#else
  return FALSE;
#endif
}

/* All of data, at offset (pwrite) or, when offset is negative, at the
 * file's position (write: a FIFO, a device): cs_write_all(). A file system
 * that refuses a direct write (EINVAL: not its block size or alignment)
 * gets it, and the rest, through the page cache. */
static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           goffset      offset,
           int         *saved_errno)
{
  gsize done;

  while (!cs_write_all (fd, data, length, offset, &done))
    {
      int err = errno;

      if (err != EINVAL || !set_direct (fd, FALSE))
        {
          *saved_errno = err;
          return FALSE;
        }
      data += done;
      length -= done;
      if (offset >= 0)
        offset += (goffset) done;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Direct I/O: whole aligned buffers written by a thread               */

/* The output of a large run is 40 times its input: through the page cache
 * the kernel's copy of it costs 1.3-1.7 s of CPU for 4.4 GB. With O_DIRECT
 * the disk reads the buffers itself; a writer thread writes them in order
 * while the engine fills the next (up to DIO_BUFFERS - 1 ahead). The last,
 * partial buffer is written through the page cache at commit (O_DIRECT
 * wants whole blocks). One thread, because ext4 serialises direct writes
 * that extend a file: three threads gained nothing (docs/PERFORMANCE.md). */
#define DIO_ALIGN        4096
#define DIO_BUFFER_SIZE  (1 << 20)
#define DIO_BUFFERS      3

typedef enum
{
  DIO_FREE,
  DIO_FILLING,
  DIO_QUEUED,
  DIO_WRITING,
} DioState;

/* The buffers form a ring: the engine fills them in turn and the thread
 * writes them in the same turn. */
struct _MapDirect
{
  GMutex    lock;
  GCond     cond;          /* a buffer changed state, or quit */
  int       fd;
  char     *buffers[DIO_BUFFERS];
  goffset   offsets[DIO_BUFFERS];
  DioState  state[DIO_BUFFERS];
  guint     current;       /* the one the engine fills */
  guint     to_write;      /* the thread's next */
  GThread  *thread;        /* started at the first full buffer */
  int       error;         /* the first errno of a write; later writes are skipped */
  gboolean  quit;          /* the thread leaves once nothing is queued */
};

/* Whether map_file_open() writes regular files with O_DIRECT (where the
 * file system takes it): yes unless CS_MAPPING_DIRECT_IO=0. */
static gboolean
direct_io_wanted (void)
{
  return g_strcmp0 (g_getenv ("CS_MAPPING_DIRECT_IO"), "0") != 0;
}

/* Writes the buffer i (the lock held); the first error is kept */
static void
dio_write_locked (MapDirect *dio,
                  guint      i)
{
  gboolean skip = dio->error != 0;
  int saved = 0;

  dio->state[i] = DIO_WRITING;
  g_mutex_unlock (&dio->lock);
  if (!skip)
    write_all (dio->fd, dio->buffers[i], DIO_BUFFER_SIZE, dio->offsets[i], &saved);
  g_mutex_lock (&dio->lock);
  if (saved != 0 && dio->error == 0)
    dio->error = saved;
  dio->state[i] = DIO_FREE;
  g_cond_broadcast (&dio->cond);
}

static gpointer
dio_thread (gpointer data)
{
  MapDirect *dio = data;

  g_mutex_lock (&dio->lock);
  for (;;)
    {
      if (dio->state[dio->to_write] == DIO_QUEUED)
        {
          dio_write_locked (dio, dio->to_write);
          dio->to_write = (dio->to_write + 1) % DIO_BUFFERS;
        }
      else if (dio->quit)
        break;
      else
        g_cond_wait (&dio->cond, &dio->lock);
    }
  g_mutex_unlock (&dio->lock);
  return NULL;
}

static MapDirect *
dio_new (int fd)
{
  MapDirect *dio = g_new0 (MapDirect, 1);

  g_mutex_init (&dio->lock);
  g_cond_init (&dio->cond);
  dio->fd = fd;
  dio->buffers[0] = g_aligned_alloc (1, DIO_BUFFER_SIZE, DIO_ALIGN);
  dio->state[0] = DIO_FILLING;
  return dio;
}

/* Waits for the queued writes (or, abandon, only the one being written),
 * ends the thread and returns the first write's errno, or 0. */
static int
dio_stop (MapDirect *dio,
          gboolean   abandon)
{
  g_mutex_lock (&dio->lock);
  if (abandon && dio->error == 0)
    dio->error = ECANCELED;
  dio->quit = TRUE;
  g_cond_broadcast (&dio->cond);
  g_mutex_unlock (&dio->lock);
  if (dio->thread != NULL)
    g_thread_join (g_steal_pointer (&dio->thread));
  return dio->error;
}

static void
dio_free (MapDirect *dio)
{
  dio_stop (dio, TRUE);
  for (guint i = 0; i < DIO_BUFFERS; i++)
    g_aligned_free (dio->buffers[i]);
  g_mutex_clear (&dio->lock);
  g_cond_clear (&dio->cond);
  g_free (dio);
}

/* Hands the full buffer to the thread and takes the next free one. */
static gboolean
dio_submit (MapFile  *file,
            GError  **error)
{
  MapDirect *dio = file->dio;
  guint next = (dio->current + 1) % DIO_BUFFERS;
  int saved;

  g_mutex_lock (&dio->lock);
  dio->state[dio->current] = DIO_QUEUED;
  dio->offsets[dio->current] = file->offset;
  if (dio->thread == NULL)
    dio->thread = g_thread_try_new ("cs-map-write", dio_thread, dio, NULL);
  if (dio->thread == NULL)
    {
      /* no thread to be had: write it here (its turn passes, should a
       * thread start later) */
      dio_write_locked (dio, dio->current);
      dio->to_write = next;
    }
  g_cond_broadcast (&dio->cond);
  while (dio->state[next] != DIO_FREE)
    g_cond_wait (&dio->cond, &dio->lock);
  saved = dio->error;
  dio->state[next] = DIO_FILLING;
  g_mutex_unlock (&dio->lock);

  file->offset += DIO_BUFFER_SIZE;
  if (saved != 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: cannot write: %s"), file->path,
                   g_strerror (saved));
      return FALSE;
    }
  if (dio->buffers[next] == NULL)
    dio->buffers[next] = g_aligned_alloc (1, DIO_BUFFER_SIZE, DIO_ALIGN);
  dio->current = next;
  file->buffer = dio->buffers[next];
  file->used = 0;
  return TRUE;
}

/* Waits for the thread, then writes the last, partial buffer through the
 * page cache (O_DIRECT wants whole blocks). */
static int
dio_finish (MapFile *file)
{
  int saved = dio_stop (file->dio, FALSE);

  if (saved == 0 && file->used > 0)
    {
      set_direct (file->fd, FALSE);
      if (write_all (file->fd, file->buffer, file->used, file->offset, &saved))
        file->offset += file->used;
    }
  file->used = 0;
  return saved;
}

static void
map_file_free_buffers (MapFile *file)
{
  if (file->dio != NULL)
    g_clear_pointer (&file->dio, dio_free);
  else
    g_free (file->buffer);
  file->buffer = NULL;
}

/* ------------------------------------------------------------------ */
/* A file written under a temporary name                               */

gboolean
map_file_open (MapFile     *file,
               const char  *path,
               GError     **error)
{
  const char *shown = path;
  gboolean in_place = FALSE;
  GStatBuf st;
  int fd = -1, saved = 0;

  memset (file, 0, sizeof *file);
  file->path = g_strdup (path);

  /* Written in place: "-", the standard output (as /dev/stdout is: the
   * same open file, so a redirection's offset and append mode hold), and a
   * FIFO or a device, since renaming a file over it would replace it. Only
   * regular files are replaced atomically, and never one reached through
   * /dev or /proc (no temporary file belongs beside it there). */
  if (g_str_equal (path, "-") || g_str_equal (path, "/dev/stdout"))
    {
      shown = _("stdout");
      in_place = TRUE;
      if ((fd = dup (STDOUT_FILENO)) < 0)
        saved = errno;
    }
  else if (g_stat (path, &st) == 0 &&
           (!S_ISREG (st.st_mode) || g_str_has_prefix (path, "/dev/") || g_str_has_prefix (path, "/proc/")))
    {
      in_place = TRUE;
      if (S_ISDIR (st.st_mode))
        saved = EISDIR;
      else if ((fd = g_open (path, O_WRONLY, 0)) < 0)
        saved = errno;
    }
  if (in_place)
    {
      if (fd < 0)
        {
          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("cannot write %s: %s"), shown,
                       g_strerror (saved));
          g_clear_pointer (&file->path, g_free);
          return FALSE;
        }
      file->fd = fd;
      file->in_place = TRUE;
      file->buffer = g_malloc (BUFFER_SIZE);
      file->capacity = BUFFER_SIZE;
      return TRUE;
    }

  file->tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  file->fd = g_mkstemp_full (file->tmp_path, O_WRONLY, 0644);
  if (file->fd < 0)
    {
      g_autofree char *dir = NULL;

      saved = errno;
      dir = g_path_get_dirname (path);
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("cannot write in %s: %s"), dir,
                   g_strerror (saved));
      g_clear_pointer (&file->tmp_path, g_free);
      g_clear_pointer (&file->path, g_free);
      return FALSE;
    }
  if (direct_io_wanted () && set_direct (file->fd, TRUE))
    {
      file->dio = dio_new (file->fd);
      file->buffer = file->dio->buffers[0];
      file->capacity = DIO_BUFFER_SIZE;
      return TRUE;
    }
  file->buffer = g_malloc (BUFFER_SIZE);
  file->capacity = BUFFER_SIZE;
  return TRUE;
}

/* A large output is handed to the disk as it is written, and what the disk
 * has is dropped from the page cache behind it: the file is not read back
 * here, the commit's fsync() then has little left to do, and the kernel
 * reuses the same pages instead of filling memory with gigabytes of dirty
 * ones (whose first use costs more than the copy, in a VM especially).
 * (Not needed with direct I/O, which leaves nothing in the page cache.) */
#define DROP_BEHIND_CHUNK (8 << 20)

static void
map_file_wrote (MapFile *file,
                gsize    length)
{
  file->offset += length;
  if (file->in_place || file->offset - file->chunk_start < DROP_BEHIND_CHUNK)
    return;
#ifdef __linux__
  /* start writing the last chunk; wait for the one before and drop it */
  sync_file_range (file->fd, file->chunk_start, file->offset - file->chunk_start, SYNC_FILE_RANGE_WRITE);
  if (file->chunk_start > file->dropped)
    {
      sync_file_range (file->fd, file->dropped, file->chunk_start - file->dropped,
                       SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
      posix_fadvise (file->fd, file->dropped, file->chunk_start - file->dropped, POSIX_FADV_DONTNEED);
      file->dropped = file->chunk_start;
    }
#endif
  file->chunk_start = file->offset;
}

static gboolean
map_file_flush (MapFile  *file,
                GError  **error)
{
  int saved = 0;

  if (file->used > 0 && !write_all (file->fd, file->buffer, file->used, -1, &saved))
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: cannot write: %s"), file->path,
                   g_strerror (saved));
      return FALSE;
    }
  map_file_wrote (file, file->used);
  file->used = 0;
  return TRUE;
}

gboolean
map_file_write (MapFile     *file,
                const char  *data,
                gsize        length,
                GError     **error)
{
  if (G_LIKELY (file->used + length <= file->capacity))
    {
      memcpy (file->buffer + file->used, data, length);
      file->used += length;
      return TRUE;
    }
  if (file->dio != NULL)
    {
      /* direct writes take whole buffers: fill each to the brim */
      while (length > 0)
        {
          gsize n;

          if (file->used == file->capacity && !dio_submit (file, error))
            return FALSE;
          n = MIN (length, file->capacity - file->used);
          memcpy (file->buffer + file->used, data, n);
          file->used += n;
          data += n;
          length -= n;
        }
      return TRUE;
    }
  if (!map_file_flush (file, error))
    return FALSE;
  if (length >= file->capacity / 2)
    {
      int saved = 0;

      if (!write_all (file->fd, data, length, -1, &saved))
        {
          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: cannot write: %s"), file->path,
                       g_strerror (saved));
          return FALSE;
        }
      map_file_wrote (file, length);
      return TRUE;
    }
  memcpy (file->buffer, data, length);
  file->used = length;
  return TRUE;
}

gboolean
map_file_commit (MapFile  *file,
                 GError  **error)
{
  int saved = 0;

  if (file->fd < 0)
    return TRUE;
  if (file->dio != NULL)
    saved = dio_finish (file);
  else if (!map_file_flush (file, error))
    {
      map_file_abort (file);
      return FALSE;
    }
  if (file->in_place)
    {
      close (file->fd);
      file->fd = -1;
      map_file_free_buffers (file);
      return TRUE;
    }
  if (saved == 0 && fsync (file->fd) != 0)
    saved = errno;
  if (close (file->fd) != 0 && saved == 0)
    saved = errno;
  file->fd = -1;
  if (saved == 0 && g_rename (file->tmp_path, file->path) != 0)
    saved = errno;
  if (saved != 0)
    {
      g_unlink (file->tmp_path);
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: cannot write: %s"), file->path,
                   g_strerror (saved));
    }
  map_file_free_buffers (file);
  return saved == 0;
}

void
map_file_abort (MapFile *file)
{
  /* stop the writer threads before the file goes */
  if (file->dio != NULL)
    dio_stop (file->dio, TRUE);
  if (file->fd >= 0)
    {
      close (file->fd);
      file->fd = -1;
      if (!file->in_place)
        g_unlink (file->tmp_path);
    }
  map_file_free_buffers (file);
}

void
map_file_clear (MapFile *file)
{
  map_file_abort (file);
  g_clear_pointer (&file->path, g_free);
  g_clear_pointer (&file->tmp_path, g_free);
}

/* ------------------------------------------------------------------ */
/* A temporary file read back in order                                 */

#define SPILL_BUFFER (1 << 20)

void
map_spill_init (MapSpill *spill)
{
  memset (spill, 0, sizeof *spill);
  spill->fd = cs_open_unlinked (NULL, "cohortscope-map");
  spill->failed = spill->fd < 0;
  spill->buffer = g_malloc (SPILL_BUFFER);
}

void
map_spill_add (MapSpill   *spill,
               const char *data,
               gsize       length)
{
  int saved;

  if (spill->failed)
    return;
  if (spill->used + length > SPILL_BUFFER)
    {
      if (!write_all (spill->fd, spill->buffer, spill->used, -1, &saved))
        spill->failed = TRUE;
      spill->used = 0;
    }
  if (length > SPILL_BUFFER)
    {
      if (!write_all (spill->fd, data, length, -1, &saved))
        spill->failed = TRUE;
      return;
    }
  memcpy (spill->buffer + spill->used, data, length);
  spill->used += length;
}

gboolean
map_spill_rewind (MapSpill  *spill,
                  GError   **error)
{
  int saved = EIO;

  if (!spill->failed && spill->used > 0 && !write_all (spill->fd, spill->buffer, spill->used, -1, &saved))
    spill->failed = TRUE;
  if (spill->failed || lseek (spill->fd, 0, SEEK_SET) != 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("cannot use a temporary file: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  spill->used = 0;
  spill->pos = 0;
  return TRUE;
}

/* Moves what is left of the buffer to its start and reads more behind it:
 * FALSE at the end of the file (or on an error: spill->failed). */
static gboolean
map_spill_refill (MapSpill *spill)
{
  gssize n;

  memmove (spill->buffer, spill->buffer + spill->pos, spill->used - spill->pos);
  spill->used -= spill->pos;
  spill->pos = 0;
  do
    n = read (spill->fd, spill->buffer + spill->used, SPILL_BUFFER - spill->used);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    {
      spill->failed |= n < 0;
      return FALSE;
    }
  spill->used += n;
  return TRUE;
}

const char *
map_spill_next_line (MapSpill *spill,
                     gsize    *length)
{
  for (;;)
    {
      char *start = spill->buffer + spill->pos;
      char *nl = memchr (start, '\n', spill->used - spill->pos);

      if (nl != NULL)
        {
          *length = nl - start;
          *nl = '\0';
          spill->pos = (nl - spill->buffer) + 1;
          return start;
        }
      /* keep the partial line and read more behind it */
      if (!map_spill_refill (spill))
        return NULL;   /* lines always end in \n: nothing is left */
    }
}

const guint8 *
map_spill_read (MapSpill *spill,
                gsize     length)
{
  const guint8 *start;

  g_assert (length <= SPILL_BUFFER);
  while (spill->used - spill->pos < length)
    if (!map_spill_refill (spill))
      return NULL;
  start = (const guint8 *) spill->buffer + spill->pos;
  spill->pos += length;
  return start;
}

void
map_spill_to_end (MapSpill *spill)
{
  if (!spill->failed && lseek (spill->fd, 0, SEEK_END) < 0)
    spill->failed = TRUE;
  spill->used = 0;
  spill->pos = 0;
}

void
map_spill_clear (MapSpill *spill)
{
  if (spill->fd >= 0)
    close (spill->fd);
  spill->fd = -1;
  g_clear_pointer (&spill->buffer, g_free);
}

/* ------------------------------------------------------------------ */
/* The Provenance's targets                                            */

#define TARGET_TYPE_TEXT 255   /* the type's length and name follow */
#define TARGET_ID_LONG   255   /* a 2-byte length and the id follow */

void
map_targets_init (MapTargets *targets)
{
  memset (targets, 0, sizeof *targets);
  map_spill_init (&targets->spill);
  targets->types = g_ptr_array_new_with_free_func (g_free);
}

void
map_targets_add (MapTargets *targets,
                 const char *resource_type,
                 gsize       type_len,
                 const char *id,
                 gsize       id_len)
{
  guint8 head[1 + 1 + 255 + 3];
  gsize n = 0;

  /* mostly the same type as the last one */
  if (targets->last_code == TARGET_TYPE_TEXT || targets->types->len == 0 || type_len != targets->last_len ||
      memcmp (targets->types->pdata[targets->last_code], resource_type, type_len) != 0)
    {
      guint code = 0;

      while (code < targets->types->len && strcmp (targets->types->pdata[code], resource_type) != 0)
        code++;
      if (code == targets->types->len && code < TARGET_TYPE_TEXT && type_len <= 255)
        g_ptr_array_add (targets->types, g_strndup (resource_type, type_len));
      targets->last_code = (guint8) (code < targets->types->len ? code : TARGET_TYPE_TEXT);
      targets->last_len = type_len;
    }
  head[n++] = targets->last_code;
  if (targets->last_code == TARGET_TYPE_TEXT)
    {
      head[n++] = (guint8) MIN (type_len, 255);
      memcpy (head + n, resource_type, MIN (type_len, 255));
      n += MIN (type_len, 255);
    }
  if (id_len > 0 && id_len < TARGET_ID_LONG)
    head[n++] = (guint8) id_len;
  else
    {
      id_len = MIN (id_len, G_MAXUINT16);
      head[n++] = TARGET_ID_LONG;
      head[n++] = (guint8) (id_len >> 8);
      head[n++] = (guint8) (id_len & 0xff);
    }
  if (n == 2 && id_len <= 128)
    {
      /* the usual target in one copy */
      guint8 line[2 + 128];

      memcpy (line, head, 2);
      memcpy (line + 2, id, id_len);
      map_spill_add (&targets->spill, (const char *) line, 2 + id_len);
      return;
    }
  map_spill_add (&targets->spill, (const char *) head, n);
  map_spill_add (&targets->spill, id, id_len);
}

gboolean
map_targets_rewind (MapTargets  *targets,
                    GError     **error)
{
  return map_spill_rewind (&targets->spill, error);
}

/* "Type/" at the start of the target's line; its length */
static gsize
target_line_start (MapTargets *targets,
                   const char *type,
                   gsize       type_len)
{
  memcpy (targets->line, type, type_len);
  targets->line[type_len] = '/';
  return type_len + 1;
}

/* The line with the id after its "Type/" prefix */
static const char *
target_line_finish (MapTargets *targets,
                    gsize       prefix,
                    const char *id,
                    gsize       id_len,
                    gsize      *length)
{
  *length = prefix + id_len;
  if (*length + 1 > sizeof targets->line)
    {
      /* a longer id than any FHIR id: through a string of its own */
      GString *line = g_string_new_len (targets->line, prefix);

      g_string_append_len (line, id, id_len);
      g_free (targets->long_line);
      targets->long_line = g_string_free (line, FALSE);
      return targets->long_line;
    }
  memcpy (targets->line + prefix, id, id_len);
  targets->line[*length] = '\0';
  return targets->line;
}

const char *
map_targets_next (MapTargets *targets,
                  gsize      *length)
{
  MapSpill *spill = &targets->spill;
  const guint8 *p;
  const char *type;
  gsize prefix, id_len;

  /* the usual target, a known type and a short id, in one step */
  if (spill->used - spill->pos >= 2 && (guint8) spill->buffer[spill->pos] < targets->types->len &&
      (guint8) spill->buffer[spill->pos + 1] != TARGET_ID_LONG &&
      spill->used - spill->pos >= 2 + (gsize) (guint8) spill->buffer[spill->pos + 1])
    {
      const char *id = spill->buffer + spill->pos + 2;

      type = targets->types->pdata[(guint8) spill->buffer[spill->pos]];
      id_len = (guint8) spill->buffer[spill->pos + 1];
      spill->pos += 2 + id_len;
      return target_line_finish (targets, target_line_start (targets, type, strlen (type)), id, id_len, length);
    }

  /* the type goes into the line at once: reading on may move the buffer */
  if (!(p = map_spill_read (spill, 1)))
    return NULL;
  if (*p == TARGET_TYPE_TEXT)
    {
      gsize type_len;

      if (!(p = map_spill_read (spill, 1)))
        goto truncated;
      type_len = *p;
      if (!(p = map_spill_read (spill, type_len)))
        goto truncated;
      prefix = target_line_start (targets, (const char *) p, type_len);
    }
  else if (*p < targets->types->len)
    {
      type = targets->types->pdata[*p];
      prefix = target_line_start (targets, type, strlen (type));
    }
  else
    goto truncated;

  if (!(p = map_spill_read (spill, 1)))
    goto truncated;
  id_len = *p;
  if (id_len == TARGET_ID_LONG)
    {
      if (!(p = map_spill_read (spill, 2)))
        goto truncated;
      id_len = (gsize) p[0] << 8 | p[1];
    }
  if (!(p = map_spill_read (spill, id_len)))
    goto truncated;
  return target_line_finish (targets, prefix, (const char *) p, id_len, length);

truncated:
  spill->failed = TRUE;
  errno = EIO;
  return NULL;
}

void
map_targets_clear (MapTargets *targets)
{
  map_spill_clear (&targets->spill);
  g_clear_pointer (&targets->types, g_ptr_array_unref);
  g_clear_pointer (&targets->long_line, g_free);
}

/* ------------------------------------------------------------------ */
/* Resources                                                           */

struct _CsMappingWriter
{
  MapFile                 file;
  CsMappingOutputFormat   format;
  guint64                 count;
  gboolean                committed;
  GString                *entry;
  /* provenance */
  gboolean                provenance;
  CsMappingProvenanceInfo info;
  CsMapping              *mapping;
  GPtrArray              *strings;       /* owned copies behind info */
  MapTargets              targets;       /* every resource written */
};

gboolean
cs_mapping_output_format_parse (const char            *text,
                                CsMappingOutputFormat *out)
{
  if (g_strcmp0 (text, "ndjson") == 0)
    *out = CS_MAPPING_OUTPUT_NDJSON;
  else if (g_strcmp0 (text, "transaction") == 0)
    *out = CS_MAPPING_OUTPUT_TRANSACTION;
  else if (g_strcmp0 (text, "batch") == 0)
    *out = CS_MAPPING_OUTPUT_BATCH;
  else
    return FALSE;
  return TRUE;
}

CsMappingWriter *
cs_mapping_writer_new (const char             *path,
                       CsMappingOutputFormat   format,
                       GError                **error)
{
  g_autoptr(CsMappingWriter) self = g_new0 (CsMappingWriter, 1);

  self->format = format;
  self->entry = g_string_new (NULL);
  /* the targets of the Provenance, should it be asked for at commit */
  map_targets_init (&self->targets);
  if (!map_file_open (&self->file, path, error))
    return NULL;
  if (format != CS_MAPPING_OUTPUT_NDJSON)
    {
      const char *head = format == CS_MAPPING_OUTPUT_TRANSACTION
                           ? "{\"resourceType\":\"Bundle\",\"type\":\"transaction\""
                           : "{\"resourceType\":\"Bundle\",\"type\":\"batch\"";

      if (!map_file_write (&self->file, head, strlen (head), error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

void
cs_mapping_writer_set_provenance (CsMappingWriter               *self,
                                  const CsMappingProvenanceInfo *info)
{
  CsMappingProvenanceInput *inputs = g_new0 (CsMappingProvenanceInput, MAX (info->n_inputs, 1));

  self->strings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < info->n_inputs; i++)
    {
      inputs[i].role = g_strdup (info->inputs[i].role);
      inputs[i].path = g_strdup (info->inputs[i].path);
      inputs[i].sha256 = g_strdup (info->inputs[i].sha256);
      g_ptr_array_add (self->strings, (char *) inputs[i].role);
      g_ptr_array_add (self->strings, (char *) inputs[i].path);
      g_ptr_array_add (self->strings, (char *) inputs[i].sha256);
    }
  g_ptr_array_add (self->strings, inputs);
  self->info = *info;
  self->info.inputs = inputs;
  self->mapping = cs_mapping_ref (info->mapping);
  self->info.mapping = self->mapping;
  self->provenance = TRUE;
}

static gboolean
write_resource (CsMappingWriter  *self,
                const char       *type,
                const char       *id,
                const char       *json,
                gsize             length,
                GError          **error)
{
  GString *e = self->entry;

  g_string_truncate (e, 0);
  if (self->format == CS_MAPPING_OUTPUT_NDJSON)
    {
      /* the resource and its newline in one copy when the buffer has room */
      if (G_LIKELY (self->file.used + length + 1 <= self->file.capacity))
        {
          memcpy (self->file.buffer + self->file.used, json, length);
          self->file.buffer[self->file.used + length] = '\n';
          self->file.used += length + 1;
        }
      else if (!map_file_write (&self->file, json, length, error) || !map_file_write (&self->file, "\n", 1, error))
        return FALSE;
    }
  else
    {
      g_string_append (e, self->count == 0 ? ",\"entry\":[\n{\"resource\":" : ",\n{\"resource\":");
      if (!map_file_write (&self->file, e->str, e->len, error) || !map_file_write (&self->file, json, length, error))
        return FALSE;
      g_string_truncate (e, 0);
      g_string_append (e, ",\"request\":{\"method\":\"PUT\",\"url\":\"");
      g_string_append (e, type);
      g_string_append_c (e, '/');
      g_string_append (e, id);
      g_string_append (e, "\"}}");
      if (!map_file_write (&self->file, e->str, e->len, error))
        return FALSE;
    }
  self->count++;
  return TRUE;
}

gboolean
cs_mapping_writer_add (CsMappingWriter  *self,
                       const char       *resource_type,
                       const char       *id,
                       const char       *json,
                       gsize             length,
                       GError          **error)
{
  map_targets_add (&self->targets, resource_type, strlen (resource_type), id, strlen (id));
  return write_resource (self, resource_type, id, json, length, error);
}

static gboolean
emit_provenance_resource (const char  *type,
                          const char  *id,
                          GString     *json,
                          gpointer     user_data,
                          GError     **error)
{
  return write_resource (user_data, type, id, json->str, json->len, error);
}

gboolean
cs_mapping_writer_commit (CsMappingWriter  *self,
                          GError          **error)
{
  if (self->provenance && self->count > 0)
    {
      if (!map_targets_rewind (&self->targets, error) ||
          !map_provenance_write (&self->info, &self->targets, emit_provenance_resource, self, error))
        return FALSE;
    }
  if (self->format != CS_MAPPING_OUTPUT_NDJSON)
    {
      const char *tail = self->count > 0 ? "\n]}\n" : "}\n";

      if (!map_file_write (&self->file, tail, strlen (tail), error))
        return FALSE;
    }
  if (!map_file_commit (&self->file, error))
    return FALSE;
  self->committed = TRUE;
  return TRUE;
}

void
cs_mapping_writer_abort (CsMappingWriter *self)
{
  map_file_abort (&self->file);
}

void
cs_mapping_writer_free (CsMappingWriter *self)
{
  if (self == NULL)
    return;
  map_file_clear (&self->file);
  g_string_free (self->entry, TRUE);
  map_targets_clear (&self->targets);
  g_clear_pointer (&self->strings, g_ptr_array_unref);
  g_clear_pointer (&self->mapping, cs_mapping_unref);
  g_free (self);
}

guint64
cs_mapping_writer_get_count (CsMappingWriter *self)
{
  return self->count;
}

/* ------------------------------------------------------------------ */
/* Problems                                                            */

struct _CsMappingReport
{
  MapSpill spill;      /* CSV lines, without the header */
  guint64  count;
  GString *line;
};

static const char *
severity_name (CsMappingSeverity severity)
{
  return severity == CS_MAPPING_SEVERITY_ERROR ? "error" : "warning";
}

CsMappingReport *
cs_mapping_report_new (void)
{
  CsMappingReport *self = g_new0 (CsMappingReport, 1);

  map_spill_init (&self->spill);
  self->line = g_string_new (NULL);
  return self;
}

void
cs_mapping_report_add (CsMappingReport        *self,
                       const CsMappingProblem *p)
{
  GString *l = self->line;
  char number[32];

  g_string_truncate (l, 0);
  cs_csv_append_field (l, severity_name (p->severity), ',');
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->input != NULL ? p->input : "", ',');
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->file != NULL ? p->file : "", ',');
  g_string_append_c (l, ',');
  if (p->row > 0)
    {
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, p->row);
      g_string_append (l, number);
    }
  g_string_append_c (l, ',');
  if (p->line > 0)
    {
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, p->line);
      g_string_append (l, number);
    }
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->column != NULL ? p->column : "", ',');
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->value != NULL ? p->value : "", ',');
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->resource != NULL ? p->resource : "", ',');
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->element != NULL ? p->element : "", ',');
  g_string_append_c (l, ',');
  cs_csv_append_field (l, p->message, ',');
  g_string_append_c (l, '\n');
  map_spill_add (&self->spill, l->str, l->len);
  self->count++;
}

guint64
cs_mapping_report_get_count (CsMappingReport *self)
{
  return self->count;
}

gboolean
cs_mapping_report_write (CsMappingReport  *self,
                         const char       *path,
                         GError          **error)
{
  static const char header[] = "severity,input,file,row,line,column,value,resource,element,message\n";
  MapFile file;
  const char *line;
  gsize n;

  /* CSV fields may hold line breaks: the lines are copied as they come */
  if (!map_spill_rewind (&self->spill, error))
    return FALSE;
  if (!map_file_open (&file, path, error))
    return FALSE;
  if (!map_file_write (&file, header, strlen (header), error))
    goto fail;
  while ((line = map_spill_next_line (&self->spill, &n)) != NULL)
    if (!map_file_write (&file, line, n, error) || !map_file_write (&file, "\n", 1, error))
      goto fail;
  map_spill_to_end (&self->spill);
  if (!map_file_commit (&file, error))
    goto fail;
  map_file_clear (&file);
  return TRUE;

fail:
  map_spill_to_end (&self->spill);
  map_file_clear (&file);
  return FALSE;
}

void
cs_mapping_report_free (CsMappingReport *self)
{
  if (self == NULL)
    return;
  map_spill_clear (&self->spill);
  g_string_free (self->line, TRUE);
  g_free (self);
}

char *
cs_mapping_problem_to_string (const CsMappingProblem *p)
{
  GString *s = g_string_new (p->file != NULL ? p->file : p->input != NULL ? p->input : "");

  if (s->len > 0)
    g_string_append (s, ": ");
  if (p->row > 0 && p->line > 0)
    g_string_append_printf (s, _("row %" PRIu64 " (line %" PRIu64 ")"), p->row, p->line);
  else if (p->row > 0)
    g_string_append_printf (s, _("row %" PRIu64), p->row);
  if (p->column != NULL)
    {
      g_string_append_printf (s, p->row > 0 ? _(", column “%s”") : _("column “%s”"), p->column);
      if (p->value != NULL)
        g_string_append_printf (s, " (“%s”)", p->value);
    }
  if (p->row > 0 || p->column != NULL)
    g_string_append (s, ": ");
  if (p->resource != NULL)
    g_string_append_printf (s, "%s: ", p->resource);
  g_string_append (s, p->message);
  if (p->severity == CS_MAPPING_SEVERITY_WARNING)
    g_string_prepend (s, _("warning: "));
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------ */
/* Element provenance                                                  */

struct _CsMappingTrace
{
  MapFile           file;
  CsMappingProgram *program;
  GString          *out;
  guint64           count;
};

CsMappingTrace *
cs_mapping_trace_new (const char        *path,
                      CsMappingProgram  *program,
                      GError           **error)
{
  g_autoptr(CsMappingTrace) self = g_new0 (CsMappingTrace, 1);
  CsMapping *mapping = cs_mapping_program_get_mapping (program);
  GString *out;

  self->program = cs_mapping_program_ref (program);
  self->out = out = g_string_new (NULL);
  if (!map_file_open (&self->file, path, error))
    return NULL;

  g_string_append (out, "{\"format\":\"cohortscope-trace/1\",\"mapping\":{\"id\":");
  cs_json_append_escaped (out, cs_mapping_get_id (mapping), -1);
  g_string_append (out, ",\"version\":");
  cs_json_append_escaped (out, cs_mapping_get_version (mapping), -1);
  g_string_append (out, "},\"inputs\":[");
  for (guint i = 0; i < program->n_inputs; i++)
    {
      g_string_append (out, i > 0 ? ",{\"role\":" : "{\"role\":");
      cs_json_append_escaped (out, cs_mapping_get_input_role (mapping, i), -1);
      g_string_append (out, ",\"file\":");
      cs_json_append_escaped (out, program->inputs[i].name, -1);
      g_string_append (out, ",\"columns\":[");
      for (guint c = 0; c < program->inputs[i].n_columns; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          cs_json_append_escaped (out, program->inputs[i].header[c], -1);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "],\"resources\":[");
  if (!map_file_write (&self->file, out->str, out->len, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
cs_mapping_trace_add (CsMappingTrace          *self,
                      const CsMappingResource *res,
                      GError                 **error)
{
  CsMapping *mapping = cs_mapping_program_get_mapping (self->program);
  GString *out = self->out;

  g_string_truncate (out, 0);
  g_string_append (out, self->count > 0 ? ",\n{\"resource\":\"" : "\n{\"resource\":\"");
  g_string_append (out, res->resource_type);
  g_string_append_c (out, '/');
  g_string_append (out, res->id);
  g_string_append (out, "\",\"template\":");
  cs_json_append_escaped (out, res->template_name, -1);
  g_string_append (out, ",\"input\":");
  cs_json_append_escaped (out, cs_mapping_get_input_role (mapping, res->input), -1);
  g_string_append_printf (out, ",\"row\":%" G_GUINT64_FORMAT ",\"line\":%" G_GUINT64_FORMAT, res->row, res->line);
  if (res->column != NULL)
    {
      g_string_append (out, ",\"column\":");
      cs_json_append_escaped (out, res->column, -1);
    }
  g_string_append (out, ",\"elements\":[");
  for (guint i = 0; i < res->n_elements; i++)
    {
      const CsMappingElement *el = &res->elements[i];

      g_string_append (out, i > 0 ? ",{\"path\":" : "{\"path\":");
      cs_json_append_escaped (out, el->path, -1);
      g_string_append (out, ",\"cells\":[");
      for (guint c = 0; c < el->n_cells; c++)
        {
          const CsMappingCell *cell = &el->cells[c];

          g_string_append (out, c > 0 ? ",{\"input\":" : "{\"input\":");
          cs_json_append_escaped (out, cs_mapping_get_input_role (mapping, cell->input), -1);
          g_string_append_printf (out, ",\"row\":%" G_GUINT64_FORMAT ",\"column\":", cell->row);
          cs_json_append_escaped (out, cs_mapping_program_get_column_name (self->program, cell->input, cell->column),
                                  -1);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}");
  self->count++;
  return map_file_write (&self->file, out->str, out->len, error);
}

gboolean
cs_mapping_trace_commit (CsMappingTrace  *self,
                         GError         **error)
{
  return map_file_write (&self->file, "\n]}\n", 4, error) && map_file_commit (&self->file, error);
}

void
cs_mapping_trace_free (CsMappingTrace *self)
{
  if (self == NULL)
    return;
  map_file_clear (&self->file);
  g_clear_pointer (&self->program, cs_mapping_program_unref);
  if (self->out != NULL)
    g_string_free (self->out, TRUE);
  g_free (self);
}
