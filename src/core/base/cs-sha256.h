/* cs-sha256.h: SHA-256 (FIPS 180-4) with the x86 SHA extensions where the
 * processor has them
 *
 * GLib's GChecksum is portable C (about 0.25 GB/s here); hashing a run's
 * input tables for its Provenance took a tenth of a mapping run. With the
 * SHA extensions (Intel since Goldmont/Ice Lake, AMD since Zen) the same
 * digest costs a third to a fifth of that. Elsewhere GChecksum runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint32  state[8];
  guint8   block[64];
  gsize    used;        /* bytes in block */
  guint64  total;       /* bytes hashed */
  GChecksum *fallback;  /* without the SHA extensions; NULL with them */
} CsSha256;

/* TRUE when this processor has the SHA extensions (and this build can use them). */
gboolean  cs_sha256_hardware_available (void);

void      cs_sha256_init                (CsSha256      *self);
/* For tests and comparisons: GChecksum, never the SHA extensions. */
void      cs_sha256_init_portable       (CsSha256      *self);
void      cs_sha256_update              (CsSha256      *self,
                                         const void    *data,
                                         gsize          length);
/* The digest as 64 lowercase hexadecimal digits and a NUL, as GChecksum
 * gives it; self is cleared and must be initialised again before reuse. */
void      cs_sha256_finish_hex          (CsSha256      *self,
                                         char           hex[65]);
/* Frees what an unfinished digest holds. */
void      cs_sha256_clear               (CsSha256      *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsSha256, cs_sha256_clear)

G_END_DECLS
