/* cs-ingest.c: streaming ingest of FHIR R4 JSON (Bundles, resources, NDJSON)
 *
 * The bytes of each source go through a CsJsonStream in SEQUENCE mode. When a
 * top-level object says "resourceType": "Bundle" before its "entry" array,
 * the entries are streamed: each entry is built, reported and freed before
 * the next one is read. Anything else (a single resource, an NDJSON line, a
 * Bundle whose entry array comes before its resourceType) is built as one
 * tree and reported when it is complete. Nested Bundles are expanded from
 * their (already built) tree. The parser's limits (values and bytes per value
 * built at once) bound what one resource costs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs-fhir-id.h"
#include "cs-ingest.h"
#include "cs-json-private.h"

#define READ_CHUNK_SIZE    (256 * 1024)
#define PROGRESS_INTERVAL  (64 * 1024)

G_DEFINE_QUARK (cs-ingest-error-quark, cs_ingest_error)

struct _CsIngest
{
  CsIngestResourceFunc  func;
  gpointer              user_data;
  CsJsonStream         *stream;

  char                 *source_name;
  guint                 source_index;
  guint                 n_sources;
  gboolean              in_source;
  gboolean              streaming_bundle; /* the current top-level Bundle streams its entries */
  gboolean              entry_before_type; /* the open top-level object's entry came before its
                                            * resourceType, so it is built whole */
  gboolean              callback_failed;  /* the error came from func: pass it on unchanged */
  gboolean              not_a_resource;   /* the error: a top-level value is not a FHIR resource */

  guint64               n_resources;
  guint64               source_n_resources; /* reported from the current source */
  GString              *path;             /* scratch: JSON path for error messages */

  CsIngestWarningFunc   warning;
  gpointer              warning_data;

  /* cs_ingest_set_keep_json(): the chunk being fed, and the bytes of earlier
   * chunks from where the value still open at their end started */
  gboolean              keep_json;
  const char           *feed_data;
  gsize                 feed_len;
  guint64               feed_offset;
  GByteArray           *kept;             /* bytes from kept_offset up to feed_offset (and, while
                                           * feeding, maybe some of the chunk after them) */
  guint64               kept_offset;
};

static const char *
describe_type (const CsJsonNode *node)
{
  switch (node->type)
    {
    case CS_JSON_NULL:
      return _("null");
    case CS_JSON_BOOLEAN:
      return _("a boolean");
    case CS_JSON_NUMBER:
      return _("a number");
    case CS_JSON_STRING:
      return _("a string");
    case CS_JSON_ARRAY:
      return _("an array");
    case CS_JSON_OBJECT:
      return _("an object");
    default:
      return _("a value");
    }
}

static gboolean
not_fhir (CsIngest   *self,
          GError    **error,
          guint64     offset,
          const char *format,
          ...) G_GNUC_PRINTF (4, 5);

static gboolean
not_fhir (CsIngest   *self,
          GError    **error,
          guint64     offset,
          const char *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->path->len > 0)
    g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
                 _("byte %" PRIu64 " at %s: %s"), offset, self->path->str, message);
  else
    g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR,
                 _("byte %" PRIu64 ": %s"), offset, message);
  return FALSE;
}

static void
warn (CsIngest   *self,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (CsIngest   *self,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->warning != NULL)
    self->warning (message, self->warning_data);
  else
    g_message ("%s", message);
}

/* Resource.id, when there is one, must be a FHIR id: anything else could
 * make two resources one (p\u00001 and p\u00002 both read as "p"). */
static gboolean
check_id (CsIngest         *self,
          const CsJsonNode *resource,
          guint64           offset,
          GError          **error)
{
  const CsJsonNode *id = cs_json_get (resource, "id");
  g_autoptr(GString) shown = NULL;
  gsize len;

  if (id == NULL)
    return TRUE;
  if (id->type != CS_JSON_STRING)
    return not_fhir (self, error, offset, _("id must be a string but is %s"), describe_type (id));
  if (cs_fhir_id_check (id->v.string.str, (gssize) id->v.string.len, NULL))
    return TRUE;

  /* show it as a JSON string, cut at a character boundary */
  len = id->v.string.len;
  if (len > 80)
    len = (gsize) (g_utf8_find_prev_char (id->v.string.str, id->v.string.str + 64) - id->v.string.str);
  shown = g_string_new (NULL);
  cs_json_append_escaped (shown, id->v.string.str, (gssize) len);
  if (len < id->v.string.len)
    g_string_insert (shown, shown->len - 1, "…");
  return not_fhir (self, error, offset,
                   _("the id %s is not a FHIR id: 1 to 64 characters, each a letter (A–Z, a–z), "
                     "a digit, “-” or “.”"), shown->str);
}

static guint64
node_offset (const CsJsonNode *node,
             guint64           fallback)
{
  guint64 offset;

  if (cs_json_node_get_span (node, &offset, NULL))
    return offset;
  return fallback;
}

/* The bytes of [offset, offset + length) of the current source, or NULL.
 * The span ends in the chunk being fed (or in kept bytes). */
static const char *
kept_bytes (CsIngest *self,
            guint64   offset,
            guint64   length)
{
  guint64 end = offset + length;
  guint64 kept_end;

  if (offset >= self->feed_offset)
    {
      if (end > self->feed_offset + self->feed_len)
        return NULL;
      return self->feed_data + (offset - self->feed_offset);
    }
  if (offset < self->kept_offset)
    return NULL;
  kept_end = self->kept_offset + self->kept->len;
  if (end > kept_end)
    {
      /* the span goes on in the chunk being fed: append up to its end */
      if (kept_end < self->feed_offset || end > self->feed_offset + self->feed_len)
        return NULL;
      g_byte_array_append (self->kept, (const guint8 *) self->feed_data + (kept_end - self->feed_offset),
                           (guint) (end - kept_end));
    }
  return (const char *) self->kept->data + (offset - self->kept_offset);
}

static gboolean process_entry (CsIngest         *self,
                               const CsJsonNode *entry,
                               guint64           offset,
                               GError          **error);

static gboolean
emit (CsIngest         *self,
      const CsJsonNode *resource,
      const char       *resource_type,
      const char       *full_url,
      const char       *request_method,
      GError          **error)
{
  CsResourceRecord record;
  guint64 offset = 0, length = 0;

  cs_json_node_get_span (resource, &offset, &length);
  if (!check_id (self, resource, offset, error))
    return FALSE;

  record.resource = resource;
  record.resource_type = resource_type;
  record.id = cs_json_get_string (resource, "id");
  record.full_url = full_url;
  record.source = self->source_name;
  record.source_index = self->source_index;
  record.offset = (goffset) offset;
  record.length = (gsize) length;
  record.request_method = request_method;
  record.json = self->keep_json ? kept_bytes (self, offset, length) : NULL;

  self->n_resources++;
  self->source_n_resources++;
  if (self->func != NULL && !self->func (&record, self->user_data, error))
    {
      self->callback_failed = TRUE;
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                     _("Loading %s was stopped"), self->source_name);
      return FALSE;
    }
  return TRUE;
}

/* A resource object at self->path (a Bundle is expanded). */
static gboolean
process_resource (CsIngest         *self,
                  const CsJsonNode *resource,
                  const char       *full_url,
                  const char       *request_method,
                  GError          **error)
{
  guint64 offset = node_offset (resource, 0);
  const CsJsonNode *type = cs_json_get (resource, "resourceType");
  const CsJsonNode *entries;
  gsize path_len;
  guint i = 0;

  /* a top-level value that is not a resource makes the whole source
   * something other than FHIR (see source_is_not_fhir()) */
  self->not_a_resource = self->path->len == 0;
  if (type == NULL)
    return not_fhir (self, error, offset,
                     _("the object has no resourceType, so it is not a FHIR resource"));
  if (type->type != CS_JSON_STRING || type->v.string.len == 0 ||
      strlen (type->v.string.str) != type->v.string.len)
    return not_fhir (self, error, offset, _("resourceType must be a non-empty string but is %s"),
                     type->type == CS_JSON_STRING ? _("an empty string") : describe_type (type));
  self->not_a_resource = FALSE;

  if (strcmp (type->v.string.str, "Bundle") != 0)
    return emit (self, resource, type->v.string.str, full_url, request_method, error);

  entries = cs_json_get (resource, "entry");
  if (entries == NULL)
    return TRUE;

  path_len = self->path->len;
  g_string_append (self->path, path_len > 0 ? ".entry" : "entry");
  if (entries->type != CS_JSON_ARRAY)
    return not_fhir (self, error, node_offset (entries, offset),
                     _("Bundle.entry must be an array but is %s"), describe_type (entries));

  for (const CsJsonNode *entry = entries->v.first_child; entry != NULL; entry = entry->next, i++)
    {
      gsize entry_len = self->path->len;

      g_string_append_printf (self->path, "[%u]", i);
      if (!process_entry (self, entry, node_offset (entry, offset), error))
        return FALSE;
      g_string_truncate (self->path, entry_len);
    }
  g_string_truncate (self->path, path_len);
  return TRUE;
}

/* A Bundle entry at self->path: report its resource, if it has one. */
static gboolean
process_entry (CsIngest         *self,
               const CsJsonNode *entry,
               guint64           offset,
               GError          **error)
{
  const CsJsonNode *resource;
  const char *full_url;
  const char *method;

  if (entry->type != CS_JSON_OBJECT)
    return not_fhir (self, error, offset, _("a Bundle entry must be an object but is %s"),
                     describe_type (entry));

  resource = cs_json_get (entry, "resource");
  if (resource == NULL || resource->type == CS_JSON_NULL)
    return TRUE; /* e.g. DELETE in a transaction, a batch-response entry */

  g_string_append (self->path, ".resource");
  if (resource->type != CS_JSON_OBJECT)
    return not_fhir (self, error, offset, _("entry.resource must be an object but is %s"),
                     describe_type (resource));

  full_url = cs_json_get_string (entry, "fullUrl");
  method = cs_json_get_string (cs_json_get (entry, "request"), "method");
  return process_resource (self, resource, full_url, method, error);
}

/* CsJsonStream callbacks */

static gboolean
on_value (CsJsonStream     *stream,
          const CsJsonNode *node,
          guint64           offset,
          gpointer          user_data,
          GError          **error)
{
  CsIngest *self = user_data;

  self->entry_before_type = FALSE;
  if (self->streaming_bundle)
    {
      /* its entries were reported one by one */
      self->streaming_bundle = FALSE;
      return TRUE;
    }

  g_string_truncate (self->path, 0);
  if (node->type != CS_JSON_OBJECT)
    {
      self->not_a_resource = TRUE;
      return not_fhir (self, error, offset,
                       _("expected a FHIR resource (a JSON object) but found %s"),
                       describe_type (node));
    }
  return process_resource (self, node, NULL, NULL, error);
}

static gboolean
on_stream_array (CsJsonStream     *stream,
                 const CsJsonNode *top_object,
                 const char       *key,
                 gpointer          user_data)
{
  CsIngest *self = user_data;

  if (strcmp (key, "entry") != 0)
    return FALSE;
  if (g_strcmp0 (cs_json_get_string (top_object, "resourceType"), "Bundle") != 0)
    {
      self->entry_before_type = cs_json_get (top_object, "resourceType") == NULL;
      return FALSE;
    }
  self->streaming_bundle = TRUE;
  return TRUE;
}

static gboolean
on_element (CsJsonStream     *stream,
            const CsJsonNode *element,
            guint             index,
            guint64           offset,
            gpointer          user_data,
            GError          **error)
{
  CsIngest *self = user_data;

  g_string_truncate (self->path, 0);
  g_string_append_printf (self->path, "entry[%u]", index);
  return process_entry (self, element, offset, error);
}

static const CsJsonStreamFuncs stream_funcs = {
  on_value,
  on_stream_array,
  on_element,
};

/* Push interface */

CsIngest *
cs_ingest_new (CsIngestResourceFunc func,
               gpointer             user_data)
{
  CsIngest *self = g_new0 (CsIngest, 1);

  self->func = func;
  self->user_data = user_data;
  self->stream = cs_json_stream_new (CS_JSON_STREAM_SEQUENCE, &stream_funcs, self);
  self->path = g_string_new (NULL);
  self->source_name = g_strdup (_("input"));
  self->kept = g_byte_array_new ();
  return self;
}

void
cs_ingest_set_keep_json (CsIngest *self,
                         gboolean  keep_json)
{
  g_return_if_fail (self != NULL);

  self->keep_json = keep_json;
}

void
cs_ingest_set_warning_func (CsIngest            *self,
                            CsIngestWarningFunc  func,
                            gpointer             user_data)
{
  g_return_if_fail (self != NULL);

  self->warning = func;
  self->warning_data = user_data;
}

void
cs_ingest_set_limits (CsIngest *self,
                      guint64   max_values,
                      guint64   max_bytes)
{
  g_return_if_fail (self != NULL);

  cs_json_stream_set_limits (self->stream, max_values, max_bytes);
}

void
cs_ingest_free (CsIngest *self)
{
  if (self == NULL)
    return;
  cs_json_stream_free (self->stream);
  g_string_free (self->path, TRUE);
  g_byte_array_unref (self->kept);
  g_free (self->source_name);
  g_free (self);
}

void
cs_ingest_begin_source (CsIngest   *self,
                        const char *source_name)
{
  g_return_if_fail (self != NULL);

  cs_json_stream_reset (self->stream);
  g_free (self->source_name);
  self->source_name = g_strdup (source_name != NULL ? source_name : _("input"));
  self->source_index = self->n_sources++;
  self->in_source = TRUE;
  self->streaming_bundle = FALSE;
  self->entry_before_type = FALSE;
  self->callback_failed = FALSE;
  self->not_a_resource = FALSE;
  self->source_n_resources = 0;
  g_byte_array_set_size (self->kept, 0);
  self->kept_offset = 0;
}

/* After a chunk: keep its bytes from where the open value starts. */
static void
keep_open_value (CsIngest *self)
{
  guint64 open = cs_json_stream_get_open_offset (self->stream);

  if (open >= self->feed_offset)
    {
      g_byte_array_set_size (self->kept, 0);
      open = MIN (open, self->feed_offset + self->feed_len);
      g_byte_array_append (self->kept, (const guint8 *) self->feed_data + (open - self->feed_offset),
                           (guint) (self->feed_offset + self->feed_len - open));
    }
  else if (open == self->kept_offset)
    {
      /* the same value is still open (and so reported nothing yet): add the chunk */
      g_byte_array_set_size (self->kept, (guint) (self->feed_offset - self->kept_offset));
      g_byte_array_append (self->kept, (const guint8 *) self->feed_data, (guint) self->feed_len);
    }
  else
    g_byte_array_set_size (self->kept, 0); /* cannot happen; later spans get no bytes */
  self->kept_offset = open;
}

static gboolean
finish_error (CsIngest *self,
              GError   *local_error,
              GError  **error)
{
  if (!self->callback_failed)
    g_prefix_error (&local_error, "%s: ", self->source_name);
  if (self->entry_before_type && g_error_matches (local_error, CS_JSON_ERROR, CS_JSON_ERROR_TOO_LARGE))
    {
      /* Translators: appended to "the resource starting at byte 0 holds more than … values" */
      char *message = g_strconcat (local_error->message,
                                   _(" (this Bundle’s entry comes before its resourceType, so the "
                                     "whole Bundle is read as one resource; with resourceType first "
                                     "its entries are read one by one)"), NULL);

      g_free (local_error->message);
      local_error->message = message;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

gboolean
cs_ingest_feed (CsIngest   *self,
                const char *data,
                gsize       len,
                GError    **error)
{
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (!self->in_source)
    cs_ingest_begin_source (self, NULL);
  self->feed_data = data;
  self->feed_len = len;
  self->feed_offset = cs_json_stream_get_offset (self->stream);
  ok = cs_json_stream_feed (self->stream, data, len, &local_error);
  if (ok && self->keep_json)
    keep_open_value (self);
  self->feed_data = NULL;
  self->feed_len = 0;
  self->feed_offset = cs_json_stream_get_offset (self->stream);
  if (!ok)
    return finish_error (self, local_error, error);
  return TRUE;
}

gboolean
cs_ingest_end_source (CsIngest  *self,
                      GError   **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!self->in_source)
    return TRUE;
  self->in_source = FALSE;
  self->feed_data = NULL;
  self->feed_len = 0;
  self->feed_offset = cs_json_stream_get_offset (self->stream);
  if (!cs_json_stream_end (self->stream, &local_error))
    return finish_error (self, local_error, error);
  return TRUE;
}

guint64
cs_ingest_get_n_resources (CsIngest *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_resources;
}

/* Files and directories */

typedef struct
{
  CsIngest             *ingest;
  CsIngestProgressFunc  progress;
  gpointer              progress_data;
  GCancellable         *cancellable;
  char                 *buffer;
  guint64               bytes_before;  /* of the files already read */
  guint64               bytes_total;   /* of all files, as stat()ed first */
  guint                 n_skipped;     /* files of a folder that are not FHIR */
} PathRun;

static gboolean
has_json_suffix (const char *name)
{
  return g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".ndjson") ||
         g_str_has_suffix (name, ".jsonl") || g_str_has_suffix (name, ".JSON") ||
         g_str_has_suffix (name, ".NDJSON") || g_str_has_suffix (name, ".JSONL");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* What a path that is neither a regular file nor a folder is. */
static const char *
describe_file_type (mode_t mode)
{
  if (S_ISFIFO (mode))
    return _("a named pipe (FIFO)");
  if (S_ISSOCK (mode))
    return _("a socket");
  if (S_ISCHR (mode))
    return _("a character device");
  if (S_ISBLK (mode))
    return _("a block device");
  return _("not a regular file");
}

static gboolean
not_regular (const char  *path,
             mode_t       mode,
             GError     **error)
{
  g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO,
               _("Cannot read %s: it is %s, not a file or folder; save the data to a file and open that"),
               path, describe_file_type (mode));
  return FALSE;
}

/* Appends the matching files under dir, recursively, sorted by name. */
static gboolean
collect_files (CsIngest   *self,
               const char *dir,
               GPtrArray  *files,
               guint       depth,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) gdir = g_dir_open (dir, 0, &local_error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (gdir == NULL)
    {
      g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO, _("Cannot read the folder %s: %s"),
                   dir, local_error->message);
      return FALSE;
    }
  if (depth > 64)
    {
      g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO,
                   _("Cannot read the folder %s: folders are nested too deeply"), dir);
      return FALSE;
    }

  while ((name = g_dir_read_name (gdir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *child_name = g_ptr_array_index (names, i);
      g_autofree char *child = g_build_filename (dir, child_name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (!collect_files (self, child, files, depth + 1, error))
            return FALSE;
          continue;
        }
      if (!has_json_suffix (child_name))
        continue;
      /* symlinks to files are followed, symlinks to folders are not */
      if (S_ISLNK (st.st_mode) && (g_stat (child, &st) != 0 || S_ISDIR (st.st_mode)))
        continue;
      if (S_ISREG (st.st_mode))
        g_ptr_array_add (files, g_steal_pointer (&child));
      else
        warn (self, _("skipped %s: it is %s, not a file"), child, describe_file_type (st.st_mode));
    }
  return TRUE;
}

/* Bytes count over all files of the run, so a folder's progress runs from
 * 0 to its whole size once; a file that grew while being read raises the
 * total rather than overshooting it. */
static void
report_progress (PathRun *run,
                 guint64  done_in_file)
{
  guint64 done = run->bytes_before + done_in_file;

  run->bytes_total = MAX (run->bytes_total, done);
  run->progress (done, run->bytes_total, run->ingest->n_resources, run->progress_data);
}

/* Whether the error that stopped the current source says it is not FHIR
 * at all (rather than FHIR with a fault): it reported no resource, and its
 * first value is not a resource or it does not start with JSON. */
static gboolean
source_is_not_fhir (CsIngest     *self,
                    const GError *error)
{
  if (self->source_n_resources > 0 || self->callback_failed)
    return FALSE;
  if (g_error_matches (error, CS_INGEST_ERROR, CS_INGEST_ERROR_NOT_FHIR))
    return self->not_a_resource;
  return g_error_matches (error, CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX) &&
         cs_json_stream_at_start (self->stream);
}

/* Reads one regular file. In a folder, a file that is not FHIR is skipped
 * with a warning. */
static gboolean
ingest_file (PathRun    *run,
             const char *path,
             gboolean    in_folder,
             GError    **error)
{
  CsIngest *self = run->ingest;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  guint64 done = 0, last_report = 0;
  int fd;
  gboolean ok = TRUE;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
   * below, and regular files ignore the flag */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO, _("Cannot open %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO, _("Cannot read %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      return not_regular (path, st.st_mode, error);
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  cs_ingest_begin_source (self, path);
  while (ok)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, &local_error))
        {
          ok = FALSE;
          break;
        }
      n = read (fd, run->buffer, READ_CHUNK_SIZE);
      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (&local_error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO, _("Cannot read %s: %s"),
                       path, g_strerror (saved));
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      ok = cs_ingest_feed (self, run->buffer, (gsize) n, &local_error);
      done += (guint64) n;
      if (ok && run->progress != NULL && done - last_report >= PROGRESS_INTERVAL)
        {
          report_progress (run, done);
          last_report = done;
        }
    }
  close (fd);

  if (ok)
    ok = cs_ingest_end_source (self, &local_error);
  else
    self->in_source = FALSE;

  if (!ok && in_folder && source_is_not_fhir (self, local_error))
    {
      warn (self, _("skipped a file that is not FHIR: %s"), local_error->message);
      g_clear_error (&local_error);
      run->n_skipped++;
      /* the rest of the file counts as read */
      done = MAX (done, (guint64) st.st_size);
      ok = TRUE;
    }
  if (ok && run->progress != NULL)
    report_progress (run, done);
  run->bytes_before += done;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

gboolean
cs_ingest_read_path (CsIngest             *self,
                     const char           *path,
                     CsIngestProgressFunc  progress,
                     gpointer              progress_data,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *buffer = NULL;
  gboolean folder;
  guint64 n_before;
  GStatBuf st;
  PathRun run;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      if (saved == ENOENT || saved == ENOTDIR)
        g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO,
                     _("Cannot open %s: no such file or folder"), path);
      else
        g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_IO, _("Cannot open %s: %s"),
                     path, g_strerror (saved));
      return FALSE;
    }
  folder = S_ISDIR (st.st_mode);
  if (folder)
    {
      if (!collect_files (self, path, files, 0, error))
        return FALSE;
    }
  else if (S_ISREG (st.st_mode))
    g_ptr_array_add (files, g_strdup (path));
  else
    return not_regular (path, st.st_mode, error);

  buffer = g_malloc (READ_CHUNK_SIZE);
  run.ingest = self;
  run.progress = progress;
  run.progress_data = progress_data;
  run.cancellable = cancellable;
  run.buffer = buffer;
  run.bytes_before = 0;
  run.bytes_total = 0;
  run.n_skipped = 0;
  if (progress != NULL)
    for (guint i = 0; i < files->len; i++)
      {
        GStatBuf file_st;

        if (g_stat (g_ptr_array_index (files, i), &file_st) == 0 && file_st.st_size > 0)
          run.bytes_total += (guint64) file_st.st_size;
      }

  n_before = self->n_resources;
  for (guint i = 0; i < files->len; i++)
    if (!ingest_file (&run, g_ptr_array_index (files, i), folder, error))
      return FALSE;

  if (self->n_resources == n_before)
    {
      if (files->len == 0)
        g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY,
                     _("%s contains no FHIR resources (no .json, .ndjson or .jsonl files)"), path);
      else if (run.n_skipped > 0)
        g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%s contains no FHIR resources (%u file is not FHIR and was skipped)",
                                  "%s contains no FHIR resources (%u files are not FHIR and were skipped)",
                                  run.n_skipped),
                     path, run.n_skipped);
      else
        g_set_error (error, CS_INGEST_ERROR, CS_INGEST_ERROR_EMPTY,
                     _("%s contains no FHIR resources"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_ingest_path (const char           *path,
                CsIngestResourceFunc  func,
                gpointer              user_data,
                CsIngestProgressFunc  progress,
                gpointer              progress_data,
                GCancellable         *cancellable,
                GError              **error)
{
  g_autoptr(CsIngest) self = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  self = cs_ingest_new (func, user_data);
  return cs_ingest_read_path (self, path, progress, progress_data, cancellable, error);
}
