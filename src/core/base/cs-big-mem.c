/* cs-big-mem.c: arrays that grow with a table, in bounded memory
 *
 * See cs-big-mem.h. An array in a file has a file of its own, unlinked at
 * once. The pool's cache holds window / 4 KiB pages of any of its files;
 * the page to give up is chosen by the clock algorithm (a page reached since
 * the hand last passed gets another round), never one of the four reached
 * last, so a caller may hold a few pointers at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-base"
#define _GNU_SOURCE   /* fallocate */

#include "config.h"

#include "cs-big-mem.h"
#include "cs-io.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#define MIN_WINDOW ((gsize) 64 << 10)
#define MAX_WINDOW ((gsize) 4 << 20)
#define N_RECENT   4

typedef struct
{
  CsBigArray *array;      /* NULL: free */
  gsize       page;
  guint8     *data;
  gboolean    dirty;
  gboolean    referenced;
} Slot;

typedef struct
{
  CsBigArray  public;
  guint64     id;
  int         fd;         /* -1: on the heap */
  gsize       reserved;   /* bytes of the file reserved, a page multiple */
} Array;

struct _CsBigMem
{
  gsize       budget;     /* of the heap */
  gsize       window;
  gsize       heap_size;
  gsize       file_size;
  guint64     next_id;
  guint64     misses;
  gboolean    no_files;   /* a file could not be made: do not try again */
  char       *folder;     /* NULL: g_get_tmp_dir () */
  GHashTable *arrays;     /* Array* (a set) */
  GError     *error;      /* the first page that could not be read or written */

  /* the cache, made when the first array goes to a file */
  Slot       *slots;
  guint       n_slots;
  guint8     *pages;
  GHashTable *where;      /* array id << 40 | page → slot index + 1 */
  guint       hand;
  guint       recent[N_RECENT];
  guint       n_recent;
};

#define PAGE_KEY(array, page) GSIZE_TO_POINTER ((gsize) (((array)->id << 40) | (page)))

CsBigMem *
cs_big_mem_new (gsize limit)
{
  CsBigMem *self = g_new0 (CsBigMem, 1);

  self->window = CLAMP (limit / 4, MIN_WINDOW, MAX_WINDOW);
  self->budget = limit > self->window ? limit - self->window : 0;
  self->arrays = g_hash_table_new (NULL, NULL);
  return self;
}

static void
array_close (Array *array)
{
  if (array->fd >= 0)
    close (array->fd);
  array->fd = -1;
}

void
cs_big_mem_free (CsBigMem *self)
{
  GHashTableIter iter;
  gpointer key;

  if (self == NULL)
    return;
  g_hash_table_iter_init (&iter, self->arrays);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Array *array = key;

      array_close (array);
      g_free (array->public.heap);
      g_free (array);
    }
  g_hash_table_unref (self->arrays);
  g_clear_pointer (&self->where, g_hash_table_unref);
  g_free (self->slots);
  g_free (self->pages);
  g_clear_error (&self->error);
  g_free (self->folder);
  g_free (self);
}

void
_cs_big_mem_set_folder (CsBigMem   *self,
                        const char *folder)
{
  g_free (self->folder);
  self->folder = g_strdup (folder);
  self->no_files = FALSE;
}

static gsize
page_round (gsize size)
{
  return (MAX (size, 1) + CS_BIG_MEM_PAGE - 1) / CS_BIG_MEM_PAGE * CS_BIG_MEM_PAGE;
}

static void
set_error (CsBigMem *self,
           gboolean  writing,
           int       saved)
{
  if (self->error != NULL)
    return;
  if (writing)
    g_set_error (&self->error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("Cannot write a table's index to its temporary file: %s"), g_strerror (saved));
  else
    g_set_error (&self->error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("Cannot read a table's index from its temporary file: %s"), g_strerror (saved));
}

/* ------------------------------------------------------------------ */
/* The cache                                                           */

/* The page reached last is no longer in the cache. */
static void
forget_last (CsBigArray *array)
{
  array->last_page = G_MAXSIZE;
  array->last_data = NULL;
  array->last_dirty = FALSE;
}

static void
cache_init (CsBigMem *self)
{
  if (self->slots != NULL)
    return;
  self->n_slots = (guint) (self->window / CS_BIG_MEM_PAGE);
  self->slots = g_new0 (Slot, self->n_slots);
  self->pages = g_malloc (self->n_slots * CS_BIG_MEM_PAGE);
  for (guint i = 0; i < self->n_slots; i++)
    self->slots[i].data = self->pages + i * CS_BIG_MEM_PAGE;
  self->where = g_hash_table_new (NULL, NULL);
}

static void
write_page (Array  *array,
            gsize   page,
            guint8 *data)
{
  if (!cs_write_all (array->fd, data, CS_BIG_MEM_PAGE, (goffset) (page * CS_BIG_MEM_PAGE), NULL))
    set_error (array->public.mem, TRUE, errno);
}

/* Empties slot i, writing its page when changed. */
static void
slot_evict (CsBigMem *self,
            guint     i)
{
  Slot *slot = &self->slots[i];
  Array *array = (Array *) slot->array;

  if (array == NULL)
    return;
  if (slot->dirty)
    write_page (array, slot->page, slot->data);
  g_hash_table_remove (self->where, PAGE_KEY (array, slot->page));
  if (array->public.last_data == slot->data)
    forget_last (&array->public);
  slot->array = NULL;
  slot->dirty = FALSE;
}

/* Empties the slots of array's pages from page on, without writing them. */
static void
cache_drop (CsBigMem *self,
            Array    *array,
            gsize     from_page)
{
  for (guint i = 0; self->slots != NULL && i < self->n_slots; i++)
    if (self->slots[i].array == &array->public && self->slots[i].page >= from_page)
      {
        self->slots[i].dirty = FALSE;
        slot_evict (self, i);
      }
}

static gboolean
is_recent (CsBigMem *self,
           guint     i)
{
  for (guint k = 0; k < MIN (self->n_recent, N_RECENT); k++)
    if (self->recent[k] == i)
      return TRUE;
  return FALSE;
}

static guint
pick_slot (CsBigMem *self)
{
  for (;;)
    {
      guint i = self->hand;
      Slot *slot = &self->slots[i];

      self->hand = (self->hand + 1) % self->n_slots;
      if (slot->array == NULL)
        return i;
      if (is_recent (self, i))
        continue;
      if (slot->referenced)
        {
          slot->referenced = FALSE;
          continue;
        }
      slot_evict (self, i);
      return i;
    }
}

const guint8 *
_cs_big_array_page (CsBigArray *pub,
                    gsize       offset,
                    gboolean    write)
{
  Array *array = (Array *) pub;
  CsBigMem *self = pub->mem;
  gsize page = offset / CS_BIG_MEM_PAGE;
  gpointer found = g_hash_table_lookup (self->where, PAGE_KEY (array, page));
  Slot *slot;
  guint i;

  if (found != NULL)
    i = GPOINTER_TO_UINT (found) - 1;
  else
    {
      gsize done = 0;

      i = pick_slot (self);
      slot = &self->slots[i];
      while (done < CS_BIG_MEM_PAGE)
        {
          ssize_t n = pread (array->fd, slot->data + done, CS_BIG_MEM_PAGE - done,
                             (off_t) (page * CS_BIG_MEM_PAGE + done));

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            set_error (self, FALSE, errno);
          if (n <= 0)
            {
              memset (slot->data + done, 0, CS_BIG_MEM_PAGE - done);
              break;
            }
          done += (gsize) n;
        }
      slot->array = pub;
      slot->page = page;
      g_hash_table_insert (self->where, PAGE_KEY (array, page), GUINT_TO_POINTER (i + 1));
      self->misses++;
    }
  slot = &self->slots[i];
  slot->referenced = TRUE;
  slot->dirty |= write;
  if (!is_recent (self, i))
    self->recent[self->n_recent++ % N_RECENT] = i;
  pub->last_page = page;
  pub->last_data = slot->data;
  pub->last_dirty = slot->dirty;
  return slot->data + offset % CS_BIG_MEM_PAGE;
}

/* ------------------------------------------------------------------ */
/* Arrays                                                              */

/* Reserves size bytes of array's file; FALSE, errno set, when it cannot. */
static gboolean
file_reserve (Array *array,
              gsize  size)
{
  gsize len = page_round (size);
  int r;

  if (len <= array->reserved)
    return TRUE;
#ifdef __linux__
  do
    r = fallocate (array->fd, 0, 0, (off_t) len);
  while (r != 0 && errno == EINTR);
#else
  r = -1;   /* posix_fallocate may write the whole file: keep arrays on the heap */
  errno = EOPNOTSUPP;
#endif
  if (r != 0)
    return FALSE;
  array->public.mem->file_size += len - array->reserved;
  array->reserved = len;
  return TRUE;
}

/* Moves a heap array of size bytes into a new file; FALSE when none can be
 * made (it stays on the heap). */
static gboolean
array_to_file (CsBigMem *self,
               Array    *array,
               gsize     size)
{
  guint8 *heap = array->public.heap;
  gsize used = array->public.size;

  if (self->no_files)
    return FALSE;
  if ((array->fd = cs_open_unlinked (self->folder, "cohortscope-index")) < 0)
    {
      g_debug ("No file for a table's index (%s): keeping it in memory", g_strerror (errno));
      self->no_files = TRUE;
      return FALSE;
    }
  if (!file_reserve (array, size))
    {
      g_debug ("No room for a table's index in a file (%s): keeping it in memory", g_strerror (errno));
      self->no_files = errno != ENOSPC;
      array_close (array);
      return FALSE;
    }
  if (!cs_write_all (array->fd, heap, used, 0, NULL))
    {
      g_debug ("Cannot write a table's index to a file (%s): keeping it in memory", g_strerror (errno));
      self->file_size -= array->reserved;
      array->reserved = 0;
      array_close (array);
      return FALSE;
    }
  cache_init (self);
  self->heap_size -= used;
  g_free (heap);
  array->public.heap = NULL;
  forget_last (&array->public);
  return TRUE;
}

/* Reads a file array back onto the heap, at size bytes, no fewer than it
 * has (the disk is full). */
static void
array_to_heap (CsBigMem *self,
               Array    *array,
               gsize     size)
{
  gsize used = array->public.size;
  guint8 *heap = g_malloc0 (size + 1);

  for (gsize done = 0; done < used; done += CS_BIG_MEM_PAGE)
    memcpy (heap + done, cs_big_array_read (&array->public, done), MIN (CS_BIG_MEM_PAGE, used - done));
  cache_drop (self, array, 0);
  array_close (array);
  self->file_size -= array->reserved;
  array->reserved = 0;
  array->public.heap = heap;
  self->heap_size += size;   /* the caller sets the size */
}

CsBigArray *
cs_big_array_new (CsBigMem *mem,
                  gsize     size)
{
  Array *array = g_new0 (Array, 1);

  g_return_val_if_fail (mem != NULL, NULL);

  array->public.mem = mem;
  array->public.last_page = G_MAXSIZE;
  array->id = ++mem->next_id;
  array->fd = -1;
  g_hash_table_add (mem->arrays, array);
  /* an empty heap array, grown: on the heap, or past the budget in a file */
  array->public.heap = g_malloc0 (1);
  cs_big_array_resize (&array->public, size);
  return &array->public;
}

void
cs_big_array_resize (CsBigArray *pub,
                     gsize       size)
{
  Array *array = (Array *) pub;
  CsBigMem *self = pub->mem;

  if (pub->heap != NULL)
    {
      if (size > pub->size && self->heap_size - pub->size + size > self->budget &&
          array_to_file (self, array, size))
        {
          pub->size = size;
          return;
        }
      pub->heap = g_realloc (pub->heap, size + 1);
      if (size > pub->size)
        memset (pub->heap + pub->size, 0, size - pub->size);
      self->heap_size = self->heap_size - pub->size + size;
      pub->size = size;
      return;
    }

  if (size < pub->size)
    {
      /* the cut goes; growing again reads zeros there */
      gsize keep = page_round (size);

      if (size % CS_BIG_MEM_PAGE != 0)
        memset (cs_big_array_write (pub, size), 0, keep - size);
      cache_drop (self, array, keep / CS_BIG_MEM_PAGE);
      if (ftruncate (array->fd, (off_t) keep) == 0)
        {
          self->file_size -= array->reserved - keep;
          array->reserved = keep;
        }
      pub->size = size;
      return;
    }
  if (!file_reserve (array, size))
    {
      g_debug ("Cannot grow a table's index in its file (%s): keeping it in memory", g_strerror (errno));
      array_to_heap (self, array, size);
    }
  pub->size = size;
}

void
cs_big_array_free (CsBigArray *pub)
{
  Array *array = (Array *) pub;
  CsBigMem *self;

  if (pub == NULL)
    return;
  self = pub->mem;
  if (pub->heap != NULL)
    self->heap_size -= pub->size;
  else
    {
      cache_drop (self, array, 0);
      self->file_size -= array->reserved;
    }
  array_close (array);
  g_free (pub->heap);
  g_hash_table_remove (self->arrays, array);
  g_free (array);
}

gboolean
cs_big_array_is_in_file (CsBigArray *array)
{
  return array->heap == NULL;
}

gboolean
cs_big_mem_check (CsBigMem  *self,
                  GError   **error)
{
  if (self->error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (self->error));
  return FALSE;
}

gsize
cs_big_mem_get_window (CsBigMem *self)
{
  return self->window;
}

gsize
cs_big_mem_get_heap_size (CsBigMem *self)
{
  return self->heap_size;
}

gsize
cs_big_mem_get_file_size (CsBigMem *self)
{
  return self->file_size;
}

guint64
cs_big_mem_get_misses (CsBigMem *self)
{
  return self->misses;
}

gboolean
cs_big_mem_parse_size (const char *text,
                       gsize      *size)
{
  guint64 value, unit = 1;
  char *end;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0)
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case 'K': unit = 1 << 10; end++; break;
    case 'M': unit = 1 << 20; end++; break;
    case 'G': unit = 1 << 30; end++; break;
    default: break;
    }
  if (unit > 1 && *end == 'i')
    end++;
  if (g_ascii_toupper (*end) == 'B')
    end++;
  if (*end != '\0' || value > G_MAXSIZE / unit)
    return FALSE;
  *size = (gsize) (value * unit);
  return TRUE;
}
