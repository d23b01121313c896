/* cs-sha256.c: SHA-256 with the x86 SHA extensions, or GLib's GChecksum
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(CS_SHA256_GCHECKSUM_ONLY)
#define CS_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#ifdef CS_SHA256_X86
static const guint32 k256[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const guint32 initial[8] = {
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};
#endif

/* ------------------------------------------------------------------ */
/* The SHA extensions                                                  */

#ifdef CS_SHA256_X86
/* sha256rnds2 works on the state as two halves, ABEF and CDGH; each
 * group of four rounds takes four message words plus their constants.
 * The schedule is kept in a ring of four groups: after its rounds a
 * group is combined with the next by sha256msg1 (the σ0 terms); four
 * groups on, the words seven back are added and sha256msg2 adds the σ1
 * terms, which makes the group that takes its place in the ring. */
__attribute__ ((target ("sha,sse4.1,ssse3")))
static void
compress_sha_ni (guint32       state[8],
                 const guint8 *data,
                 gsize         n_blocks)
{
  const __m128i bswap = _mm_set_epi64x (0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i dcba = _mm_loadu_si128 ((const __m128i *) (gconstpointer) &state[0]);
  __m128i hgfe = _mm_loadu_si128 ((const __m128i *) (gconstpointer) &state[4]);
  __m128i cdab = _mm_shuffle_epi32 (dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32 (hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8 (cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16 (efgh, cdab, 0xF0);

  for (; n_blocks > 0; n_blocks--, data += 64)
    {
      __m128i abef_saved = abef, cdgh_saved = cdgh;
      __m128i w[4];

      for (guint g = 0; g < 4; g++)
        w[g] = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (gconstpointer) (data + 16 * g)), bswap);
      for (guint g = 0; g < 16; g++)
        {
          __m128i wk = _mm_add_epi32 (w[g % 4], _mm_loadu_si128 ((const __m128i *) (gconstpointer) &k256[4 * g]));

          cdgh = _mm_sha256rnds2_epu32 (cdgh, abef, wk);
          abef = _mm_sha256rnds2_epu32 (abef, cdgh, _mm_shuffle_epi32 (wk, 0x0E));
          /* group g + 1 from g - 3 (σ0 added), g - 1 and g, before g - 1 gets its σ0 */
          if (g >= 3 && g < 15)
            w[(g + 1) % 4] = _mm_sha256msg2_epu32 (_mm_add_epi32 (w[(g + 1) % 4],
                                                                  _mm_alignr_epi8 (w[g % 4], w[(g + 3) % 4], 4)),
                                                   w[g % 4]);
          if (g >= 1 && g <= 12)
            w[(g + 3) % 4] = _mm_sha256msg1_epu32 (w[(g + 3) % 4], w[g % 4]);
        }
      abef = _mm_add_epi32 (abef, abef_saved);
      cdgh = _mm_add_epi32 (cdgh, cdgh_saved);
    }

  {
    __m128i feba = _mm_shuffle_epi32 (abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32 (cdgh, 0xB1);

    _mm_storeu_si128 ((__m128i *) (gpointer) &state[0], _mm_blend_epi16 (feba, dchg, 0xF0));
    _mm_storeu_si128 ((__m128i *) (gpointer) &state[4], _mm_alignr_epi8 (dchg, feba, 8));
  }
}
#endif

gboolean
cs_sha256_hardware_available (void)
{
#ifdef CS_SHA256_X86
  static gsize checked = 0;
  static gboolean available = FALSE;

  if (g_once_init_enter (&checked))
    {
      unsigned int a, b, c, d;

      /* SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19), SHA (leaf 7, EBX bit 29) */
      if (__get_cpuid (1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
          __get_cpuid_count (7, 0, &a, &b, &c, &d) && (b & (1u << 29)))
        available = TRUE;
      g_once_init_leave (&checked, 1);
    }
  return available;
#else
  return FALSE;
#endif
}

/* ------------------------------------------------------------------ */
/* Streaming                                                           */

void
cs_sha256_init_portable (CsSha256 *self)
{
  memset (self, 0, sizeof *self);
  self->fallback = g_checksum_new (G_CHECKSUM_SHA256);
}

void
cs_sha256_init (CsSha256 *self)
{
  if (!cs_sha256_hardware_available ())
    {
      cs_sha256_init_portable (self);
      return;
    }
#ifdef CS_SHA256_X86
  memset (self, 0, sizeof *self);
  memcpy (self->state, initial, sizeof initial);
#endif
}

#ifdef CS_SHA256_X86
static void
update_sha_ni (CsSha256   *self,
               const void *data,
               gsize       length)
{
  const guint8 *p = data;

  self->total += length;
  if (self->used > 0)
    {
      gsize n = MIN (length, 64 - self->used);

      memcpy (self->block + self->used, p, n);
      self->used += n;
      p += n;
      length -= n;
      if (self->used < 64)
        return;
      compress_sha_ni (self->state, self->block, 1);
      self->used = 0;
    }
  if (length >= 64)
    {
      compress_sha_ni (self->state, p, length / 64);
      p += length & ~(gsize) 63;
      length &= 63;
    }
  memcpy (self->block, p, length);
  self->used = length;
}

static void
finish_sha_ni (CsSha256 *self,
               char      hex[65])
{
  static const char digits[] = "0123456789abcdef";
  guint64 bits = self->total * 8;

  /* 0x80, zeros to 56 bytes mod 64, the length in bits big-endian */
  self->block[self->used++] = 0x80;
  if (self->used > 56)
    {
      memset (self->block + self->used, 0, 64 - self->used);
      compress_sha_ni (self->state, self->block, 1);
      self->used = 0;
    }
  memset (self->block + self->used, 0, 56 - self->used);
  for (guint i = 0; i < 8; i++)
    self->block[56 + i] = (guint8) (bits >> (56 - 8 * i));
  compress_sha_ni (self->state, self->block, 1);

  for (guint i = 0; i < 32; i++)
    {
      guint8 byte = (guint8) (self->state[i / 4] >> (24 - 8 * (i % 4)));

      hex[2 * i] = digits[byte >> 4];
      hex[2 * i + 1] = digits[byte & 15];
    }
  hex[64] = '\0';
}
#endif

void
cs_sha256_update (CsSha256   *self,
                  const void *data,
                  gsize       length)
{
#ifdef CS_SHA256_X86
  if (self->fallback == NULL)
    {
      update_sha_ni (self, data, length);
      return;
    }
#endif
  g_checksum_update (self->fallback, data, length);
}

void
cs_sha256_finish_hex (CsSha256 *self,
                      char      hex[65])
{
#ifdef CS_SHA256_X86
  if (self->fallback == NULL)
    {
      finish_sha_ni (self, hex);
      return;
    }
#endif
  g_strlcpy (hex, g_checksum_get_string (self->fallback), 65);
  cs_sha256_clear (self);
}

void
cs_sha256_clear (CsSha256 *self)
{
  g_clear_pointer (&self->fallback, g_checksum_free);
}
