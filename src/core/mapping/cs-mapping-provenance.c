/* cs-mapping-provenance.c: the FHIR Provenance of a mapping run
 *
 * One Device (this software, by version) and Provenance resources whose
 * targets are every resource the run wrote (at most
 * CS_MAPPING_PROVENANCE_TARGETS each). Everything in them is a function of
 * the inputs' and the mapping's bytes, the software version and --limit:
 * the ids are UUIDv5 of those, and "recorded" is the newest modification
 * time of the files (or SOURCE_DATE_EPOCH), not the time of the run, so an
 * unchanged re-run writes the same bytes and changes nothing on a server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cs-mapping-private.h"
#include "cs-mapping-writer-private.h"

#define SOFTWARE_NAME "Cohortscope"

gint64
cs_mapping_provenance_time (const char * const  *paths,
                            GError             **error)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  gint64 newest = 0;

  if (epoch != NULL && *epoch != '\0')
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (epoch, 10, 0, G_MAXINT64, &value, NULL))
        {
          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INPUT,
                       _("SOURCE_DATE_EPOCH “%s” is not a number of seconds"), epoch);
          return -1;
        }
      return (gint64) value;
    }

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      GStatBuf st;

      if (g_stat (paths[i], &st) != 0)
        {
          int saved = errno;

          g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: %s"), paths[i], g_strerror (saved));
          return -1;
        }
      newest = MAX (newest, (gint64) st.st_mtime);
    }
  return newest;
}

/* RFC 6920 "ni" URI of a SHA-256 given in hex */
static char *
ni_uri (const char *hex)
{
  guint8 digest[32];
  g_autofree char *b64 = NULL;
  GString *uri;

  for (guint i = 0; i < 32; i++)
    digest[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  b64 = g_base64_encode (digest, sizeof digest);
  uri = g_string_new ("ni:///sha-256;");
  for (const char *p = b64; *p != '\0' && *p != '='; p++)
    g_string_append_c (uri, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (uri, FALSE);
}

static int
compare_inputs (gconstpointer a,
                gconstpointer b)
{
  const CsMappingProvenanceInput *x = a, *y = b;

  return g_strcmp0 (x->role, y->role);
}

/* What makes a run this run: the same value → the same Provenance. */
static char *
run_key (const CsMappingProvenanceInfo *info)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree CsMappingProvenanceInput *sorted = g_memdup2 (info->inputs,
                                                           sizeof *sorted * MAX (info->n_inputs, 1));
  g_autofree char *text = NULL;

  qsort (sorted, info->n_inputs, sizeof *sorted, compare_inputs);
  text = g_strdup_printf ("mapping %s %s %s\nsoftware %s\nlimit %" G_GUINT64_FORMAT "\n",
                          cs_mapping_get_id (info->mapping), cs_mapping_get_version (info->mapping),
                          cs_mapping_get_sha256 (info->mapping), PACKAGE_VERSION, info->limit);
  g_checksum_update (sha, (const guchar *) text, -1);
  for (guint i = 0; i < info->n_inputs; i++)
    {
      g_autofree char *line = g_strdup_printf ("input %s %s\n", sorted[i].role, sorted[i].sha256);

      g_checksum_update (sha, (const guchar *) line, -1);
    }
  return g_strdup (g_checksum_get_string (sha));
}

static void
append_entity (GString    *out,
               const char *sha256,
               const char *display)
{
  g_autofree char *uri = ni_uri (sha256);

  g_string_append (out, "{\"role\":\"source\",\"what\":{\"identifier\":{\"system\":\"urn:ietf:rfc:3986\",\"value\":");
  cs_json_append_escaped (out, uri, -1);
  g_string_append (out, "},\"display\":");
  cs_json_append_escaped (out, display, -1);
  g_string_append (out, "}}");
}

gboolean
map_provenance_write (const CsMappingProvenanceInfo *info,
                      MapTargets                    *targets,
                      MapEmitFunc                    emit,
                      gpointer                       user_data,
                      GError                       **error)
{
  CsMapping *mapping = info->mapping;
  g_autofree char *key = run_key (info);
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GString) tail = g_string_new (NULL);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (info->recorded);
  g_autofree char *recorded = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
  char device_id[37], id[37];
  guint part = 0, n = 0;

  /* the software */
  g_string_printf (name, "device\x1f" SOFTWARE_NAME "\x1f%s", PACKAGE_VERSION);
  cs_mapping_uuid5 (mapping->namespace_uuid, name->str, name->len, device_id);
  g_string_printf (json, "{\"resourceType\":\"Device\",\"id\":\"%s\","
                   "\"deviceName\":[{\"name\":\"" SOFTWARE_NAME "\",\"type\":\"manufacturer-name\"},"
                   "{\"name\":\"cohortscope-cli map\",\"type\":\"model-name\"}],"
                   "\"type\":{\"text\":\"CSV to FHIR mapping software\"},"
                   "\"version\":[{\"value\":\"%s\"}]}", device_id, PACKAGE_VERSION);
  if (!emit ("Device", device_id, json, user_data, error))
    return FALSE;

  /* everything but the targets and the id */
  g_string_append (tail, "],\"recorded\":\"");
  g_string_append (tail, recorded);
  g_string_append (tail, "\",\"activity\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                         "iso-21089-lifecycle\",\"code\":\"transform\",\"display\":\"Transform/Translate Record "
                         "Lifecycle Event\"}],\"text\":\"CSV to FHIR mapping\"},"
                         "\"agent\":[{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                         "provenance-participant-type\",\"code\":\"assembler\",\"display\":\"Assembler\"}]},"
                         "\"who\":{\"reference\":\"Device/");
  g_string_append (tail, device_id);
  g_string_append (tail, "\",\"display\":\"" SOFTWARE_NAME " " PACKAGE_VERSION "\"}}],\"entity\":[");
  {
    g_autofree char *display = g_strdup_printf (_("mapping %s version %s (%s)"), cs_mapping_get_id (mapping),
                                                cs_mapping_get_version (mapping), cs_mapping_get_name (mapping));

    append_entity (tail, cs_mapping_get_sha256 (mapping), display);
  }
  for (guint i = 0; i < info->n_inputs; i++)
    {
      g_autofree char *base = g_path_get_basename (info->inputs[i].path);
      g_autofree char *display = g_strdup_printf (_("input %s: %s"), info->inputs[i].role, base);

      g_string_append_c (tail, ',');
      append_entity (tail, info->inputs[i].sha256, display);
    }
  g_string_append (tail, "]}");

  /* the Provenance resources, CS_MAPPING_PROVENANCE_TARGETS targets each */
  for (;;)
    {
      gsize len = 0;
      const char *line = map_targets_next (targets, &len);
      gboolean more = line != NULL;

      if (n > 0 && (!more || n == CS_MAPPING_PROVENANCE_TARGETS))
        {
          g_string_append (json, tail->str);
          if (!emit ("Provenance", id, json, user_data, error))
            return FALSE;
          n = 0;
          part++;
        }
      if (!more)
        break;
      if (n == 0)
        {
          g_string_printf (name, "provenance\x1f%s\x1f%u", key, part);
          cs_mapping_uuid5 (mapping->namespace_uuid, name->str, name->len, id);
          g_string_printf (json, "{\"resourceType\":\"Provenance\",\"id\":\"%s\",\"target\":[", id);
        }
      else
        g_string_append_c (json, ',');
      /* {"reference":"Type/id"} in one step: FHIR ids and type names need
       * no escaping */
      {
        static const char head[] = "{\"reference\":\"";
        gsize at = json->len;

        g_string_set_size (json, at + (sizeof head - 1) + len + 2);
        memcpy (json->str + at, head, sizeof head - 1);
        memcpy (json->str + at + sizeof head - 1, line, len);
        memcpy (json->str + at + sizeof head - 1 + len, "\"}", 2);
      }
      n++;
    }

  if (targets->spill.failed)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("cannot read a temporary file: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
