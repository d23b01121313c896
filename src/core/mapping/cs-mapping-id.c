/* cs-mapping-id.c: deterministic ids (UUIDv5), hashes, FHIR id checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-sha256.h"
#include "cs-mapping-private.h"

/* RFC 4122 appendix C: the name space for URLs */
static const guint8 url_namespace[16] = {
  0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
  0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
};

static void
format_uuid (const guint8 bytes[16],
             char         out[37])
{
  static const char hex[] = "0123456789abcdef";
  guint o = 0;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = hex[bytes[i] >> 4];
      out[o++] = hex[bytes[i] & 0xf];
    }
  out[o] = '\0';
}

static void
uuid5_bytes (const guint8  namespace_uuid[16],
             const char   *name,
             gsize         length,
             guint8        out[16])
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_checksum_update (sha1, namespace_uuid, 16);
  g_checksum_update (sha1, (const guchar *) name, length);
  g_checksum_get_digest (sha1, digest, &digest_len);

  memcpy (out, digest, 16);
  out[6] = (out[6] & 0x0f) | 0x50;   /* version 5 */
  out[8] = (out[8] & 0x3f) | 0x80;   /* RFC 4122 variant */
}

void
cs_mapping_uuid5 (const guint8  namespace_uuid[16],
                  const char   *name,
                  gsize         length,
                  char          out[37])
{
  guint8 bytes[16];

  uuid5_bytes (namespace_uuid, name, length, bytes);
  format_uuid (bytes, out);
}

gboolean
cs_mapping_parse_uuid (const char *text,
                       guint8      out[16])
{
  guint b = 0;

  if (text == NULL || strlen (text) != 36)
    return FALSE;

  for (guint i = 0; i < 36;)
    {
      int hi, lo;

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
          i++;
          continue;
        }
      hi = g_ascii_xdigit_value (text[i]);
      lo = g_ascii_xdigit_value (text[i + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      out[b++] = (guint8) (hi << 4 | lo);
      i += 2;
    }

  return b == 16;
}

void
cs_mapping_namespace_uuid (const char *namespace_text,
                           guint8      out[16])
{
  if (cs_mapping_parse_uuid (namespace_text, out))
    return;
  if (g_str_has_prefix (namespace_text, "urn:uuid:") &&
      cs_mapping_parse_uuid (namespace_text + strlen ("urn:uuid:"), out))
    return;
  uuid5_bytes (url_namespace, namespace_text, strlen (namespace_text), out);
}

void
cs_mapping_column_id_suffix (const char *column,
                   char        out[14])
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 h = 0;

  g_checksum_update (sha, (const guchar *) column, strlen (column));
  g_checksum_get_digest (sha, digest, &len);
  for (guint i = 0; i < 8; i++)
    h = h << 8 | digest[i];

  /* 13 × 5 bits = 65 bits: the first character carries 4 */
  for (int i = 12; i >= 0; i--)
    {
      out[i] = alphabet[h & 31];
      h >>= 5;
    }
  out[13] = '\0';
}

char *
cs_mapping_sha256_file (const char  *path,
                        GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_auto(CsSha256) sha = { { 0 } };
  g_autofree guchar *buffer = g_malloc (1 << 18);
  g_autoptr(GError) local = NULL;
  char hex[65];
  gssize n;

  if (!(in = g_file_read (file, NULL, &local)))
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: cannot read: %s"), path, local->message);
      return NULL;
    }
  cs_sha256_init (&sha);   /* the SHA extensions where there are */
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 18, NULL, &local)) > 0)
    cs_sha256_update (&sha, buffer, n);
  if (n < 0)
    {
      g_set_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO, _("%s: cannot read: %s"), path, local->message);
      return NULL;
    }
  cs_sha256_finish_hex (&sha, hex);
  return g_strdup (hex);
}
