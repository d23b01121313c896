/* cs-json-parser.c: push JSON parser building CsJsonNode trees in an arena
 *
 * A byte-level state machine with an explicit stack of open containers, so
 * nesting never recurses. Tokens (strings, numbers, literals) are parsed in
 * place when they lie within one chunk; a token cut by the end of a chunk is
 * carried in a small buffer until its end arrives. Strings are scanned eight
 * bytes at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cs-json-private.h"

/* ------------------------------------------------------------------------ */
/* Arena                                                                    */

#define ARENA_BLOCK_SIZE  (64 * 1024)
#define ARENA_MAX_CACHED  (8 * 1024 * 1024)

typedef struct _ArenaBlock ArenaBlock;

struct _ArenaBlock
{
  ArenaBlock *next;
  gsize       size;
  gsize       used;
  gsize       pad;        /* keeps data 16-byte aligned */
  char        data[];
};

typedef struct
{
  ArenaBlock *first;      /* chain of blocks in use; the last one is current */
  ArenaBlock *current;
  ArenaBlock *spare;      /* blocks released by a reset, reused first */
  gsize       spare_bytes;
} Arena;

typedef struct
{
  ArenaBlock *block;
  gsize       used;
} ArenaMark;

static void
arena_free_chain (ArenaBlock *block)
{
  while (block != NULL)
    {
      ArenaBlock *next = block->next;

      g_free (block);
      block = next;
    }
}

static void
arena_clear (Arena *arena)
{
  arena_free_chain (arena->first);
  arena_free_chain (arena->spare);
  memset (arena, 0, sizeof *arena);
}

static ArenaBlock *
arena_new_block (Arena *arena,
                 gsize  min_size)
{
  ArenaBlock **link = &arena->spare;

  for (ArenaBlock *b = arena->spare; b != NULL; link = &b->next, b = b->next)
    {
      if (b->size >= min_size)
        {
          *link = b->next;
          arena->spare_bytes -= b->size;
          b->next = NULL;
          b->used = 0;
          return b;
        }
    }

  {
    gsize size = MAX (min_size, ARENA_BLOCK_SIZE);
    ArenaBlock *b = g_malloc (sizeof (ArenaBlock) + size);

    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
  }
}

static void *
arena_alloc_slow (Arena *arena,
                  gsize  size)
{
  ArenaBlock *b = arena_new_block (arena, size);

  if (arena->current != NULL)
    arena->current->next = b;
  else
    arena->first = b;
  arena->current = b;
  b->used = size;
  return b->data;
}

static inline void *
arena_alloc (Arena *arena,
             gsize  size,
             gsize  align)
{
  ArenaBlock *b = arena->current;

  if (G_LIKELY (b != NULL))
    {
      gsize at = (b->used + (align - 1)) & ~(align - 1);

      if (G_LIKELY (at + size <= b->size))
        {
          b->used = at + size;
          return b->data + at;
        }
    }
  return arena_alloc_slow (arena, size);
}

static inline ArenaMark
arena_mark (Arena *arena)
{
  ArenaMark mark = { arena->current, arena->current ? arena->current->used : 0 };

  return mark;
}

static void
arena_reset (Arena     *arena,
             ArenaMark  mark)
{
  ArenaBlock *released;

  if (mark.block == NULL)
    {
      released = arena->first;
      arena->first = NULL;
      arena->current = NULL;
    }
  else
    {
      released = mark.block->next;
      mark.block->next = NULL;
      mark.block->used = mark.used;
      arena->current = mark.block;
    }

  while (released != NULL)
    {
      ArenaBlock *next = released->next;

      if (arena->spare_bytes + released->size <= ARENA_MAX_CACHED)
        {
          released->next = arena->spare;
          arena->spare = released;
          arena->spare_bytes += released->size;
        }
      else
        g_free (released);
      released = next;
    }
}

/* ------------------------------------------------------------------------ */
/* Nodes                                                                    */

typedef struct
{
  CsJsonNode node;
  guint64    offset;
  guint64    length;
} CsJsonContainer;

gboolean
cs_json_node_get_span (const CsJsonNode *node,
                       guint64          *offset,
                       guint64          *length)
{
  const CsJsonContainer *c;

  if (node == NULL || (node->type != CS_JSON_OBJECT && node->type != CS_JSON_ARRAY))
    return FALSE;
  c = (const CsJsonContainer *) (gconstpointer) node;
  if (offset != NULL)
    *offset = c->offset;
  if (length != NULL)
    *length = c->length;
  return TRUE;
}

struct _CsJsonDocument
{
  Arena       arena;
  CsJsonNode *root;
};

const CsJsonNode *
cs_json_document_get_root (CsJsonDocument *doc)
{
  return doc != NULL ? doc->root : NULL;
}

void
cs_json_document_free (CsJsonDocument *doc)
{
  if (doc == NULL)
    return;
  arena_clear (&doc->arena);
  g_free (doc);
}

/* ------------------------------------------------------------------------ */
/* Parser state                                                             */

typedef enum
{
  ST_VALUE,           /* a value is expected */
  ST_VALUE_OR_CLOSE,  /* just after '[' */
  ST_KEY_OR_CLOSE,    /* just after '{' */
  ST_KEY,             /* after ',' in an object */
  ST_COLON,           /* after a member name */
  ST_NEXT,            /* after a value inside a container: ',' or the close */
  ST_DONE,            /* DOCUMENT mode: the root is complete */
  ST_BOM1,            /* after 0xEF at the start of the input */
  ST_BOM2,            /* after 0xEF 0xBB */
} State;

typedef enum
{
  TOK_NONE,
  TOK_STRING,
  TOK_KEY,
  TOK_NUMBER,
  TOK_LITERAL,
} TokenKind;

typedef struct
{
  CsJsonNode *node;        /* the container */
  CsJsonNode *last;        /* last linked child */
  const char *key;         /* objects: the last member name read */
  guint       index;       /* arrays: index of the current (or next) element */
  gboolean    streamed;    /* elements are handed to funcs->element, not linked */
  ArenaMark   mark;        /* streamed: arena position before the current element */
  guint64     mark_held;   /* streamed: values held before the current element */
  guint64     elem_offset; /* streamed: where the current element starts */
} Frame;

/* span_start when no text is being counted (between streamed elements) */
#define NO_SPAN G_MAXUINT64

struct _CsJsonStream
{
  CsJsonStreamMode         mode;
  const CsJsonStreamFuncs *funcs;
  gpointer                 user_data;

  Arena       arena;
  State       state;
  guint       depth;
  Frame       stack[CS_JSON_MAX_DEPTH];

  guint64     offset;      /* absolute offset of the chunk being parsed */
  CsJsonNode *root;        /* DOCUMENT mode */
  guint64     n_values;

  /* a token cut by the end of a chunk */
  TokenKind   carry_kind;
  GByteArray *carry;
  guint64     carry_offset;
  gboolean    carry_escape; /* strings: the last byte scanned was an unpaired '\' */

  /* What the value being built holds, against the limits. A streamed
   * array's elements are freed one by one, so their text and values stop
   * counting once reported; the rest of the value around them counts. */
  guint64     max_values;
  guint64     max_bytes;
  guint64     n_held;      /* values in the arena */
  guint64     held_bytes;  /* JSON text counted before span_start */
  guint64     span_start;  /* where the text being counted starts, or NO_SPAN */
  guint64     unit_offset; /* where the top-level value or streamed element starts */

  GError     *failure;     /* sticky: set once a feed failed */
};

static const char *
state_expectation (CsJsonStream *self)
{
  switch (self->state)
    {
    case ST_KEY_OR_CLOSE:
      return _("expected a member name or '}'");
    case ST_KEY:
      return _("expected a member name");
    case ST_COLON:
      return _("expected ':'");
    case ST_VALUE_OR_CLOSE:
      return _("expected a value or ']'");
    case ST_NEXT:
      if (self->depth > 0 && self->stack[self->depth - 1].node->type == CS_JSON_OBJECT)
        return _("expected ',' or '}'");
      return _("expected ',' or ']'");
    case ST_VALUE:
    case ST_DONE:
    case ST_BOM1:
    case ST_BOM2:
    default:
      return _("expected a value");
    }
}

/* The JSON path of the current position, e.g. entry[3].resource.code. With
 * in_value the member or element being parsed in the innermost container is
 * named too. */
static char *
build_path (CsJsonStream *self,
            gboolean      in_value)
{
  GString *path = g_string_new (NULL);

  for (guint i = 0; i < self->depth; i++)
    {
      const Frame *f = &self->stack[i];
      gboolean inner = i + 1 < self->depth;

      if (!inner && !in_value)
        break;
      if (f->node->type == CS_JSON_OBJECT)
        {
          if (f->key == NULL)
            continue;
          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, f->key);
        }
      else
        g_string_append_printf (path, "[%u]", f->index);
    }
  return g_string_free (path, FALSE);
}

static gboolean
set_error (CsJsonStream *self,
           GError      **error,
           CsJsonError   code,
           guint64       offset,
           gboolean      in_value,
           const char   *format,
           ...) G_GNUC_PRINTF (6, 7);

static gboolean
set_error (CsJsonStream *self,
           GError      **error,
           CsJsonError   code,
           guint64       offset,
           gboolean      in_value,
           const char   *format,
           ...)
{
  g_autofree char *message = NULL;
  g_autofree char *path = build_path (self, in_value);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (path[0] != '\0')
    /* Translators: "byte 1234 at entry[3].resource: <what went wrong>" */
    g_set_error (error, CS_JSON_ERROR, code, _("byte %" PRIu64 " at %s: %s"),
                 offset, path, message);
  else
    g_set_error (error, CS_JSON_ERROR, code, _("byte %" PRIu64 ": %s"),
                 offset, message);
  return FALSE;
}

static void
describe_byte (char        buf[32],
               const char *p,
               const char *end)
{
  if (p >= end)
    g_strlcpy (buf, _("the end of the input"), 32);
  else if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f)
    g_snprintf (buf, 32, "'%c'", *p);
  else
    g_snprintf (buf, 32, _("byte 0x%02X"), (guchar) *p);
}

static gboolean
unexpected (CsJsonStream *self,
            const char   *p,
            const char   *end,
            guint64       offset,
            gboolean      in_value,
            GError      **error)
{
  char found[32];

  describe_byte (found, p, end);
  /* Translators: "expected ',' or '}' but found ']'" */
  return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset, in_value, _("%s but found %s"),
                    state_expectation (self), found);
}

CsJsonStream *
cs_json_stream_new (CsJsonStreamMode         mode,
                    const CsJsonStreamFuncs *funcs,
                    gpointer                 user_data)
{
  CsJsonStream *self = g_new0 (CsJsonStream, 1);
  static const CsJsonStreamFuncs no_funcs = { NULL, NULL, NULL };

  self->mode = mode;
  self->funcs = funcs != NULL ? funcs : &no_funcs;
  self->user_data = user_data;
  self->carry = g_byte_array_new ();
  self->state = ST_VALUE;
  self->max_values = CS_JSON_MAX_VALUES;
  self->max_bytes = CS_JSON_MAX_VALUE_BYTES;
  self->span_start = NO_SPAN;
  return self;
}

void
cs_json_stream_set_limits (CsJsonStream *self,
                           guint64       max_values,
                           guint64       max_bytes)
{
  self->max_values = max_values > 0 ? max_values : CS_JSON_MAX_VALUES;
  self->max_bytes = max_bytes > 0 ? max_bytes : CS_JSON_MAX_VALUE_BYTES;
}

gboolean
cs_json_stream_at_start (CsJsonStream *self)
{
  return self->n_values == 0 && self->depth == 0;
}

void
cs_json_stream_free (CsJsonStream *self)
{
  if (self == NULL)
    return;
  arena_clear (&self->arena);
  g_byte_array_unref (self->carry);
  g_clear_error (&self->failure);
  g_free (self);
}

void
cs_json_stream_reset (CsJsonStream *self)
{
  ArenaMark start = { NULL, 0 };

  arena_reset (&self->arena, start);
  self->state = ST_VALUE;
  self->depth = 0;
  self->offset = 0;
  self->root = NULL;
  self->n_values = 0;
  self->carry_kind = TOK_NONE;
  g_byte_array_set_size (self->carry, 0);
  self->carry_escape = FALSE;
  self->n_held = 0;
  self->held_bytes = 0;
  self->span_start = NO_SPAN;
  self->unit_offset = 0;
  g_clear_error (&self->failure);
}

guint64
cs_json_stream_get_offset (CsJsonStream *self)
{
  return self->offset;
}

guint64
cs_json_stream_get_open_offset (CsJsonStream *self)
{
  const CsJsonContainer *c;

  if (self->depth == 0)
    return self->offset;
  if (self->depth >= 2 && self->stack[1].streamed)
    {
      if (self->depth == 2)
        return self->offset; /* between elements (or in a scalar one) */
      c = (const CsJsonContainer *) (gconstpointer) self->stack[2].node;
    }
  else
    c = (const CsJsonContainer *) (gconstpointer) self->stack[0].node;
  return c->offset;
}

CsJsonDocument *
cs_json_stream_steal_document (CsJsonStream *self)
{
  CsJsonDocument *doc;

  g_return_val_if_fail (self->mode == CS_JSON_STREAM_DOCUMENT, NULL);
  g_return_val_if_fail (self->root != NULL, NULL);

  doc = g_new0 (CsJsonDocument, 1);
  doc->arena = self->arena;
  doc->root = self->root;
  memset (&self->arena, 0, sizeof self->arena);
  cs_json_stream_reset (self);
  return doc;
}

/* ------------------------------------------------------------------------ */
/* Building values                                                          */

static char *
format_bytes (guint64 bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return g_strdup_printf (_("%" PRIu64 " MiB"), bytes / (1024 * 1024));
  return g_strdup_printf (_("%" PRIu64 " bytes"), bytes);
}

/* Refuses a new value at offset (new_value), or the text up to end, when
 * what is held would go beyond the limits. */
static gboolean
check_limits (CsJsonStream *self,
              guint64       offset,
              guint64       end,
              gboolean      new_value,
              gboolean      in_value,
              GError      **error)
{
  guint64 bytes = self->held_bytes;
  g_autofree char *what = NULL;
  g_autofree char *limit = NULL;

  if (self->span_start != NO_SPAN && end > self->span_start)
    bytes += end - self->span_start;

  if (G_LIKELY ((!new_value || self->n_held < self->max_values) && bytes <= self->max_bytes))
    return TRUE;

  if (self->mode == CS_JSON_STREAM_DOCUMENT)
    {
      if (bytes <= self->max_bytes)
        return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, offset, in_value,
                          _("the document holds more than %" PRIu64 " JSON values, "
                            "the limit for one document"), self->max_values);
      limit = format_bytes (self->max_bytes);
      return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, offset, in_value,
                        _("the document is longer than %s, the limit for one document"), limit);
    }

  if (self->depth >= 2 && self->stack[1].streamed)
    /* Translators: "entry[3] (from byte 1234)", an element of a streamed array */
    what = g_strdup_printf (_("%s[%u] (from byte %" PRIu64 ")"), self->stack[0].key,
                            self->stack[1].index, self->unit_offset);
  else
    what = g_strdup_printf (_("the resource starting at byte %" PRIu64), self->unit_offset);
  if (bytes <= self->max_bytes)
    return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, offset, in_value,
                      _("%s holds more than %" PRIu64 " JSON values, the limit for one resource"),
                      what, self->max_values);
  limit = format_bytes (self->max_bytes);
  return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, offset, in_value,
                    _("%s is longer than %s, the limit for one resource"), what, limit);
}

/* Allocates a node for a value starting at offset and links it into the
 * innermost container (or takes the streamed element's mark). NULL when the
 * value is beyond the limits. */
static inline CsJsonNode *
new_node (CsJsonStream *self,
          CsJsonType    type,
          guint64       offset,
          GError      **error)
{
  CsJsonNode *node;

  if (self->depth == 0)
    {
      /* a top-level value: counted afresh */
      self->n_held = 0;
      self->held_bytes = 0;
      self->span_start = offset;
      self->unit_offset = offset;
    }
  else
    {
      Frame *f = &self->stack[self->depth - 1];

      if (f->streamed)
        {
          f->mark = arena_mark (&self->arena);
          f->mark_held = self->n_held;
          f->elem_offset = offset;
          self->span_start = offset;
          self->unit_offset = offset;
        }
    }
  if (!check_limits (self, offset, offset, TRUE, TRUE, error))
    return NULL;
  self->n_held++;

  if (type == CS_JSON_OBJECT || type == CS_JSON_ARRAY)
    {
      CsJsonContainer *c = arena_alloc (&self->arena, sizeof (CsJsonContainer), 8);

      c->offset = offset;
      c->length = 0;
      node = &c->node;
      node->v.first_child = NULL;
    }
  else
    node = arena_alloc (&self->arena, sizeof (CsJsonNode), 8);

  node->type = type;
  node->n_children = 0;
  node->key = NULL;
  node->next = NULL;

  if (self->depth > 0)
    {
      Frame *f = &self->stack[self->depth - 1];

      if (f->node->type == CS_JSON_OBJECT)
        node->key = f->key;
      if (!f->streamed)
        {
          if (f->last != NULL)
            f->last->next = node;
          else
            f->node->v.first_child = node;
          f->last = node;
          f->node->n_children++;
        }
    }
  return node;
}

/* A value is complete: hand it on and move to the next state. */
static gboolean
complete_value (CsJsonStream *self,
                CsJsonNode   *node,
                guint64       offset,
                GError      **error)
{
  if (self->depth == 0)
    {
      self->n_values++;
      if (self->mode == CS_JSON_STREAM_DOCUMENT)
        {
          self->root = node;
          self->state = ST_DONE;
          return TRUE;
        }
      else
        {
          ArenaMark start = { NULL, 0 };
          gboolean ok = TRUE;

          if (self->funcs->value != NULL)
            ok = self->funcs->value (self, node, offset, self->user_data, error);
          arena_reset (&self->arena, start);
          self->n_held = 0;
          self->held_bytes = 0;
          self->span_start = NO_SPAN;
          self->state = ST_VALUE;
          return ok;
        }
    }
  else
    {
      Frame *f = &self->stack[self->depth - 1];

      if (f->streamed)
        {
          gboolean ok = TRUE;

          if (self->funcs->element != NULL)
            ok = self->funcs->element (self, node, f->index, f->elem_offset,
                                       self->user_data, error);
          /* the element is gone: neither its values nor its text count */
          arena_reset (&self->arena, f->mark);
          self->n_held = f->mark_held;
          self->span_start = NO_SPAN;
          self->unit_offset = ((const CsJsonContainer *) (gconstpointer) self->stack[0].node)->offset;
          if (!ok)
            return FALSE;
        }
      if (f->node->type == CS_JSON_ARRAY)
        f->index++;
      self->state = ST_NEXT;
      return TRUE;
    }
}

static gboolean
open_container (CsJsonStream *self,
                CsJsonType    type,
                guint64       offset,
                GError      **error)
{
  CsJsonNode *node;
  Frame *f;

  if (self->depth >= CS_JSON_MAX_DEPTH)
    return set_error (self, error, CS_JSON_ERROR_TOO_DEEP, offset, TRUE,
                      _("nesting deeper than %d levels"), CS_JSON_MAX_DEPTH);

  if (!(node = new_node (self, type, offset, error)))
    return FALSE;
  f = &self->stack[self->depth++];
  f->node = node;
  f->last = NULL;
  f->key = NULL;
  f->index = 0;
  f->streamed = FALSE;

  if (type == CS_JSON_OBJECT)
    self->state = ST_KEY_OR_CLOSE;
  else
    {
      self->state = ST_VALUE_OR_CLOSE;
      if (self->depth == 2 &&
          self->funcs->stream_array != NULL &&
          self->stack[0].node->type == CS_JSON_OBJECT &&
          self->stack[0].key != NULL)
        f->streamed = self->funcs->stream_array (self, self->stack[0].node,
                                                 self->stack[0].key, self->user_data);
      if (f->streamed)
        {
          /* the text so far stays counted; each element counts on its own */
          self->held_bytes += offset + 1 - self->span_start;
          self->span_start = NO_SPAN;
        }
    }
  return TRUE;
}

static gboolean
close_container (CsJsonStream *self,
                 guint64       offset,
                 GError      **error)
{
  Frame *f = &self->stack[self->depth - 1];
  CsJsonContainer *c = (CsJsonContainer *) (gpointer) f->node;

  if (f->streamed)
    self->span_start = offset; /* the text after a streamed array counts again */
  else if (!check_limits (self, offset, offset + 1, FALSE, FALSE, error))
    return FALSE;
  c->length = offset - c->offset + 1;
  self->depth--;
  return complete_value (self, f->node, c->offset, error);
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                  */

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static inline guint64
has_zero_byte (guint64 v)
{
  return (v - ONES) & ~v & HIGHS;
}

#ifdef __SSE2__
/* Skips 16-byte blocks with no quote or backslash (and, with controls, no
 * byte below 0x20 or from 0x80 up). TRUE with *pp at the first such byte;
 * FALSE with fewer than 16 bytes left. */
static inline gboolean
skip_blocks_16 (const char **pp,
                const char  *end,
                gboolean     controls)
{
  const char *p = *pp;

  for (; end - p >= 16; p += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) p);
      __m128i special = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('"')),
                                      _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('\\')));
      int mask;

      /* signed: below 0x20 is a control byte or (negative) one >= 0x80 */
      if (controls)
        special = _mm_or_si128 (special, _mm_cmplt_epi8 (v, _mm_set1_epi8 (0x20)));
      if ((mask = _mm_movemask_epi8 (special)) != 0)
        {
          *pp = p + __builtin_ctz ((unsigned) mask);
          return TRUE;
        }
    }
  *pp = p;
  return FALSE;
}
#endif

/* Finds the closing quote of a string whose body starts at p. *plain stays
 * TRUE while the body has no escape, control or non-ASCII byte. Returns NULL
 * when the string does not end before end. Strings are most of a FHIR page's
 * bytes, so this looks at 16 bytes at a time where SSE2 is there (every
 * x86-64) and 8 elsewhere. */
static inline const char *
scan_string (const char *p,
             const char *end,
             gboolean   *plain)
{
  while (TRUE)
    {
      gboolean found = FALSE;   /* p is at a byte to look at */

#ifdef __SSE2__
      found = skip_blocks_16 (&p, end, TRUE);
#endif
      while (!found && end - p >= 8)
        {
          guint64 w;

          memcpy (&w, p, 8);
          if ((has_zero_byte (w ^ (ONES * '"')) |
               has_zero_byte (w ^ (ONES * '\\')) |
               ((w - ONES * 0x20) & ~w & HIGHS) |
               (w & HIGHS)) != 0)
            break;
          p += 8;
        }
      if (p >= end)
        return NULL;
      if (*p == '"')
        return p;
      if (*p == '\\' || (guchar) *p < 0x20 || (guchar) *p >= 0x80)
        break;
      p++;
    }

  *plain = FALSE;
  while (p < end)
    {
      gboolean found = FALSE;

#ifdef __SSE2__
      found = skip_blocks_16 (&p, end, FALSE);
#endif
      while (!found && end - p >= 8)
        {
          guint64 w;

          memcpy (&w, p, 8);
          if ((has_zero_byte (w ^ (ONES * '"')) | has_zero_byte (w ^ (ONES * '\\'))) != 0)
            break;
          p += 8;
        }
      if (p >= end)
        return NULL;
      if (*p == '"')
        return p;
      if (*p == '\\')
        p += 2;
      else
        p++;
    }
  return NULL;
}

static inline int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const char *s,
           gsize       avail,
           gunichar   *out)
{
  gunichar v = 0;

  if (avail < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int h = hex_value (s[i]);

      if (h < 0)
        return FALSE;
      v = (v << 4) | (gunichar) h;
    }
  *out = v;
  return TRUE;
}

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80), 0 if invalid. */
static inline guint
utf8_sequence (const guchar *s,
               gsize         avail)
{
  guchar c = s[0];

  if (c >= 0xC2 && c <= 0xDF)
    return (avail >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF)
    {
      guchar lo = (c == 0xE0) ? 0xA0 : 0x80;
      guchar hi = (c == 0xED) ? 0x9F : 0xBF;

      if (avail < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
        return 0;
      return 3;
    }
  if (c >= 0xF0 && c <= 0xF4)
    {
      guchar lo = (c == 0xF0) ? 0x90 : 0x80;
      guchar hi = (c == 0xF4) ? 0x8F : 0xBF;

      if (avail < 4 || s[1] < lo || s[1] > hi ||
          (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
        return 0;
      return 4;
    }
  return 0;
}

/* Decodes a string body (between the quotes; body_offset is the absolute
 * offset of its first byte) into the arena. */
static gboolean
decode_string (CsJsonStream *self,
               const char   *body,
               gsize         len,
               guint64       body_offset,
               gboolean      plain,
               gboolean      in_value,
               char        **out,
               gsize        *out_len,
               GError      **error)
{
  char *dst;
  gsize j = 0;

  if (len > CS_JSON_MAX_STRING)
    return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, body_offset - 1, in_value,
                      _("a string longer than %d MiB exceeds the limit"),
                      CS_JSON_MAX_STRING / (1024 * 1024));

  dst = arena_alloc (&self->arena, len + 1, 1);
  if (plain)
    {
      memcpy (dst, body, len);
      dst[len] = '\0';
      *out = dst;
      *out_len = len;
      return TRUE;
    }

  for (gsize i = 0; i < len;)
    {
      guchar c = (guchar) body[i];

      if (c == '\\')
        {
          char e = (i + 1 < len) ? body[i + 1] : '\0';
          gunichar u;

          switch (e)
            {
            case '"': dst[j++] = '"'; break;
            case '\\': dst[j++] = '\\'; break;
            case '/': dst[j++] = '/'; break;
            case 'b': dst[j++] = '\b'; break;
            case 'f': dst[j++] = '\f'; break;
            case 'n': dst[j++] = '\n'; break;
            case 'r': dst[j++] = '\r'; break;
            case 't': dst[j++] = '\t'; break;
            case 'u':
              if (!read_hex4 (body + i + 2, len - i - 2, &u))
                return set_error (self, error, CS_JSON_ERROR_UTF8, body_offset + i, in_value,
                                  _("'\\u' must be followed by four hexadecimal digits"));
              if (u >= 0xDC00 && u <= 0xDFFF)
                return set_error (self, error, CS_JSON_ERROR_UTF8, body_offset + i, in_value,
                                  _("lone low surrogate '\\u%04X' in a string"), u);
              if (u >= 0xD800 && u <= 0xDBFF)
                {
                  gunichar lo;

                  if (i + 12 > len || body[i + 6] != '\\' || body[i + 7] != 'u' ||
                      !read_hex4 (body + i + 8, len - i - 8, &lo) ||
                      lo < 0xDC00 || lo > 0xDFFF)
                    return set_error (self, error, CS_JSON_ERROR_UTF8, body_offset + i, in_value,
                                      _("high surrogate '\\u%04X' is not followed by a low surrogate"),
                                      u);
                  u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                  i += 6;
                }
              j += (gsize) g_unichar_to_utf8 (u, dst + j);
              i += 4;
              break;
            default:
              {
                char found[32];

                describe_byte (found, body + i + 1, body + len);
                return set_error (self, error, CS_JSON_ERROR_SYNTAX, body_offset + i, in_value,
                                  _("invalid escape sequence: '\\' followed by %s"), found);
              }
            }
          i += 2;
        }
      else if (c < 0x20)
        return set_error (self, error, CS_JSON_ERROR_SYNTAX, body_offset + i, in_value,
                          _("control character 0x%02X in a string must be escaped"), c);
      else if (c < 0x80)
        {
          dst[j++] = (char) c;
          i++;
        }
      else
        {
          guint n = utf8_sequence ((const guchar *) body + i, len - i);

          if (n == 0)
            return set_error (self, error, CS_JSON_ERROR_UTF8, body_offset + i, in_value,
                              _("invalid UTF-8 in a string"));
          memcpy (dst + j, body + i, n);
          j += n;
          i += n;
        }
    }
  dst[j] = '\0';
  *out = dst;
  *out_len = j;
  return TRUE;
}

/* A complete string token: body between the quotes, quote_offset = offset of
 * the opening quote. */
static gboolean
handle_string (CsJsonStream *self,
               const char   *body,
               gsize         len,
               guint64       quote_offset,
               gboolean      plain,
               gboolean      is_key,
               GError      **error)
{
  char *str = NULL;
  gsize str_len = 0;

  /* before the text is copied: a long string must not go past the limit */
  if (!check_limits (self, quote_offset, quote_offset + len + 2, FALSE, !is_key, error))
    return FALSE;
  if (!decode_string (self, body, len, quote_offset + 1, plain, !is_key, &str, &str_len, error))
    return FALSE;

  if (is_key)
    {
      self->stack[self->depth - 1].key = str;
      self->state = ST_COLON;
      return TRUE;
    }
  else
    {
      CsJsonNode *node = new_node (self, CS_JSON_STRING, quote_offset, error);

      if (node == NULL)
        return FALSE;
      node->v.string.str = str;
      node->v.string.len = str_len;
      return complete_value (self, node, quote_offset, error);
    }
}

/* ------------------------------------------------------------------------ */
/* Numbers and literals                                                     */

static inline gboolean
is_number_char (char c)
{
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static inline gboolean
is_letter (char c)
{
  return c >= 'a' && c <= 'z';
}

static const double pow10_exact[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static gboolean
handle_number (CsJsonStream *self,
               const char   *tok,
               gsize         len,
               guint64       offset,
               GError      **error)
{
  gsize i = 0;
  guint64 mantissa = 0;
  guint n_digits = 0;
  int frac_digits = 0;
  int exponent = 0;
  gboolean negative = FALSE;
  gboolean nonzero = FALSE;     /* a digit of the mantissa is not 0 */
  CsJsonNode *node;
  char *text;
  double value;

  if (len > CS_JSON_MAX_NUMBER)
    return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, offset, TRUE,
                      _("a number longer than %d characters exceeds the limit"),
                      CS_JSON_MAX_NUMBER);

  if (tok[i] == '-')
    {
      negative = TRUE;
      i++;
    }
  if (i == len || tok[i] < '0' || tok[i] > '9')
    return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset + i, TRUE,
                      _("expected a digit after '-'"));
  if (tok[i] == '0')
    {
      i++;
      if (i < len && tok[i] >= '0' && tok[i] <= '9')
        return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset, TRUE,
                          _("numbers must not have leading zeros"));
    }
  else
    for (; i < len && tok[i] >= '0' && tok[i] <= '9'; i++)
      {
        if (n_digits < 19)
          mantissa = mantissa * 10 + (guint64) (tok[i] - '0');
        n_digits++;
        nonzero = TRUE; /* the first digit is not 0 */
      }
  if (i < len && tok[i] == '.')
    {
      i++;
      if (i == len || tok[i] < '0' || tok[i] > '9')
        return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset + i, TRUE,
                          _("expected a digit after '.'"));
      for (; i < len && tok[i] >= '0' && tok[i] <= '9'; i++)
        {
          if (n_digits < 19)
            {
              mantissa = mantissa * 10 + (guint64) (tok[i] - '0');
              frac_digits++;
            }
          n_digits++;
          nonzero |= tok[i] != '0';
        }
    }
  if (i < len && (tok[i] == 'e' || tok[i] == 'E'))
    {
      gboolean exp_negative = FALSE;

      i++;
      if (i < len && (tok[i] == '+' || tok[i] == '-'))
        exp_negative = tok[i++] == '-';
      if (i == len || tok[i] < '0' || tok[i] > '9')
        return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset + i, TRUE,
                          _("expected a digit in the exponent"));
      for (; i < len && tok[i] >= '0' && tok[i] <= '9'; i++)
        if (exponent < 100000)
          exponent = exponent * 10 + (tok[i] - '0');
      if (exp_negative)
        exponent = -exponent;
    }
  if (i < len)
    return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset + i, TRUE,
                      _("unexpected '%c' in a number"), tok[i]);

  text = arena_alloc (&self->arena, len + 1, 1);
  memcpy (text, tok, len);
  text[len] = '\0';

  exponent -= frac_digits;
  if (n_digits <= 15 && exponent >= -22 && exponent <= 22)
    {
      value = (double) mantissa;
      if (exponent >= 0)
        value *= pow10_exact[exponent];
      else
        value /= pow10_exact[-exponent];
      if (negative)
        value = -value;
    }
  else
    {
      value = g_ascii_strtod (text, NULL);
      if (isinf (value))
        return set_error (self, error, CS_JSON_ERROR_RANGE, offset, TRUE,
                          _("the number %.40s is out of range: its magnitude is above the "
                            "largest double (about 1.8e308)"), text);
      /* Not zero, but below the smallest double (about 4.9e-324): it would
       * silently become 0. Subnormal values are kept. */
      if (value == 0 && nonzero)
        return set_error (self, error, CS_JSON_ERROR_RANGE, offset, TRUE,
                          _("the number %.40s is out of range: it is not zero, but its magnitude "
                            "is below the smallest double (about 4.9e-324) and would be read as 0"),
                          text);
    }

  if (!(node = new_node (self, CS_JSON_NUMBER, offset, error)))
    return FALSE;
  node->v.number.value = value;
  node->v.number.text = text;
  return complete_value (self, node, offset, error);
}

static gboolean
handle_literal (CsJsonStream *self,
                const char   *tok,
                gsize         len,
                guint64       offset,
                gboolean      at_end,
                GError      **error)
{
  CsJsonNode *node;

  if (len == 4 && memcmp (tok, "true", 4) == 0)
    {
      if (!(node = new_node (self, CS_JSON_BOOLEAN, offset, error)))
        return FALSE;
      node->v.boolean = TRUE;
    }
  else if (len == 5 && memcmp (tok, "false", 5) == 0)
    {
      if (!(node = new_node (self, CS_JSON_BOOLEAN, offset, error)))
        return FALSE;
      node->v.boolean = FALSE;
    }
  else if (len == 4 && memcmp (tok, "null", 4) == 0)
    {
      if (!(node = new_node (self, CS_JSON_NULL, offset, error)))
        return FALSE;
    }
  else
    {
      if (at_end && len > 0 && (strncmp (tok, "true", len) == 0 ||
                                strncmp (tok, "false", len) == 0 ||
                                strncmp (tok, "null", len) == 0))
        return set_error (self, error, CS_JSON_ERROR_TRUNCATED, offset + len, TRUE,
                          _("the input ends inside '%.*s'"), (int) len, tok);
      if (self->depth == 0 && self->n_values > 0)
        return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset, TRUE,
                          _("unexpected data after the end of a JSON value: found '%.*s'"),
                          (int) MIN (len, 20), tok);
      if (self->depth == 0)
        return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset, TRUE,
                          _("the input does not start with JSON: found '%.*s'"),
                          (int) MIN (len, 20), tok);
      return set_error (self, error, CS_JSON_ERROR_SYNTAX, offset, TRUE,
                        _("expected a value but found '%.*s'"), (int) MIN (len, 20), tok);
    }
  return complete_value (self, node, offset, error);
}

/* ------------------------------------------------------------------------ */
/* Carried tokens                                                           */

static void
start_carry (CsJsonStream *self,
             TokenKind     kind,
             const char   *tok,
             const char   *end,
             guint64       offset)
{
  self->carry_kind = kind;
  self->carry_offset = offset;
  g_byte_array_set_size (self->carry, 0);
  g_byte_array_append (self->carry, (const guint8 *) tok, (guint) (end - tok));

  self->carry_escape = FALSE;
  if (kind == TOK_STRING || kind == TOK_KEY)
    {
      /* recompute the escape state of the carried body */
      for (const char *s = tok + 1; s < end; s++)
        {
          if (self->carry_escape)
            self->carry_escape = FALSE;
          else if (*s == '\\')
            self->carry_escape = TRUE;
        }
    }
}

static gboolean
carry_too_large (CsJsonStream *self,
                 GError      **error)
{
  if ((self->carry_kind == TOK_STRING || self->carry_kind == TOK_KEY) &&
      self->carry->len > CS_JSON_MAX_STRING + 1)
    return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, self->carry_offset,
                      self->carry_kind == TOK_STRING,
                      _("a string longer than %d MiB exceeds the limit"),
                      CS_JSON_MAX_STRING / (1024 * 1024));
  if (self->carry_kind == TOK_NUMBER && self->carry->len > CS_JSON_MAX_NUMBER)
    return set_error (self, error, CS_JSON_ERROR_TOO_LARGE, self->carry_offset, TRUE,
                      _("a number longer than %d characters exceeds the limit"),
                      CS_JSON_MAX_NUMBER);
  if (self->carry_kind == TOK_LITERAL && self->carry->len > 64)
    {
      /* cannot be true, false or null: fails with the usual message */
      gboolean ok = handle_literal (self, (const char *) self->carry->data, self->carry->len,
                                    self->carry_offset, FALSE, error);

      g_assert (!ok);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_carry (CsJsonStream *self,
              gboolean      at_end,
              GError      **error)
{
  const char *tok = (const char *) self->carry->data;
  gsize len = self->carry->len;
  TokenKind kind = self->carry_kind;
  gboolean ok;

  self->carry_kind = TOK_NONE;
  switch (kind)
    {
    case TOK_STRING:
    case TOK_KEY:
      /* tok holds the opening and the closing quote */
      ok = handle_string (self, tok + 1, len - 2, self->carry_offset, FALSE,
                          kind == TOK_KEY, error);
      break;
    case TOK_NUMBER:
      ok = handle_number (self, tok, len, self->carry_offset, error);
      break;
    case TOK_LITERAL:
      ok = handle_literal (self, tok, len, self->carry_offset, at_end, error);
      break;
    case TOK_NONE:
    default:
      ok = TRUE;
      break;
    }
  if (self->carry->len > 64 * 1024)
    {
      g_byte_array_unref (self->carry);
      self->carry = g_byte_array_new ();
    }
  else
    g_byte_array_set_size (self->carry, 0);
  return ok;
}

/* Continues a carried token with new data. Returns the number of bytes of
 * data used; *done is TRUE when the token completed (and was handled). */
static gboolean
continue_carry (CsJsonStream *self,
                const char   *data,
                gsize         len,
                gsize        *used,
                GError      **error)
{
  gsize i = 0;
  gboolean complete = FALSE;

  if (self->carry_kind == TOK_STRING || self->carry_kind == TOK_KEY)
    {
      for (; i < len; i++)
        {
          if (self->carry_escape)
            self->carry_escape = FALSE;
          else if (data[i] == '\\')
            self->carry_escape = TRUE;
          else if (data[i] == '"')
            {
              i++;
              complete = TRUE;
              break;
            }
        }
      g_byte_array_append (self->carry, (const guint8 *) data, (guint) i);
    }
  else
    {
      gboolean number = self->carry_kind == TOK_NUMBER;

      for (; i < len; i++)
        if (number ? !is_number_char (data[i]) : !is_letter (data[i]))
          {
            complete = TRUE;
            break;
          }
      g_byte_array_append (self->carry, (const guint8 *) data, (guint) i);
    }

  *used = i;
  if (!carry_too_large (self, error))
    return FALSE;
  if (complete)
    return finish_carry (self, FALSE, error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The main loop                                                            */

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static gboolean
parse_chunk (CsJsonStream *self,
             const char   *data,
             const char   *end,
             GError      **error)
{
  const char *p = data;

#define OFF(ptr) (self->offset + (guint64) ((ptr) - data))

  while (TRUE)
    {
      char c;

      while (p < end && is_space (*p))
        p++;
      if (p >= end)
        break;
      c = *p;

      switch (self->state)
        {
        case ST_NEXT:
          {
            Frame *f = &self->stack[self->depth - 1];

            if (c == ',')
              {
                self->state = f->node->type == CS_JSON_OBJECT ? ST_KEY : ST_VALUE;
                p++;
              }
            else if ((c == '}' && f->node->type == CS_JSON_OBJECT) ||
                     (c == ']' && f->node->type == CS_JSON_ARRAY))
              {
                if (!close_container (self, OFF (p), error))
                  return FALSE;
                p++;
              }
            else
              return unexpected (self, p, end, OFF (p), FALSE, error);
          }
          break;

        case ST_KEY_OR_CLOSE:
        case ST_KEY:
          if (c == '"')
            {
              gboolean plain = TRUE;
              const char *q = scan_string (p + 1, end, &plain);

              if (q == NULL)
                {
                  start_carry (self, TOK_KEY, p, end, OFF (p));
                  p = end;
                  if (!carry_too_large (self, error))
                    return FALSE;
                  break;
                }
              if (!handle_string (self, p + 1, (gsize) (q - p - 1), OFF (p), plain, TRUE, error))
                return FALSE;
              p = q + 1;
            }
          else if (c == '}' && self->state == ST_KEY_OR_CLOSE)
            {
              if (!close_container (self, OFF (p), error))
                return FALSE;
              p++;
            }
          else
            return unexpected (self, p, end, OFF (p), FALSE, error);
          break;

        case ST_COLON:
          if (c != ':')
            return unexpected (self, p, end, OFF (p), TRUE, error);
          self->state = ST_VALUE;
          p++;
          break;

        case ST_VALUE_OR_CLOSE:
          if (c == ']')
            {
              if (!close_container (self, OFF (p), error))
                return FALSE;
              p++;
              break;
            }
          G_GNUC_FALLTHROUGH;
        case ST_VALUE:
          switch (c)
            {
            case '{':
              if (!open_container (self, CS_JSON_OBJECT, OFF (p), error))
                return FALSE;
              p++;
              break;

            case '[':
              if (!open_container (self, CS_JSON_ARRAY, OFF (p), error))
                return FALSE;
              p++;
              break;

            case '"':
              {
                gboolean plain = TRUE;
                const char *q = scan_string (p + 1, end, &plain);

                if (q == NULL)
                  {
                    start_carry (self, TOK_STRING, p, end, OFF (p));
                    p = end;
                    if (!carry_too_large (self, error))
                      return FALSE;
                    break;
                  }
                if (!handle_string (self, p + 1, (gsize) (q - p - 1), OFF (p), plain, FALSE,
                                    error))
                  return FALSE;
                p = q + 1;
              }
              break;

            case '-': case '0': case '1': case '2': case '3': case '4':
            case '5': case '6': case '7': case '8': case '9':
              {
                const char *q = p + 1;

                while (q < end && is_number_char (*q))
                  q++;
                if (q == end)
                  {
                    start_carry (self, TOK_NUMBER, p, end, OFF (p));
                    p = end;
                    if (!carry_too_large (self, error))
                      return FALSE;
                    break;
                  }
                if (!handle_number (self, p, (gsize) (q - p), OFF (p), error))
                  return FALSE;
                p = q;
              }
              break;

            case 't': case 'f': case 'n':
              {
                const char *q = p + 1;

                while (q < end && is_letter (*q))
                  q++;
                if (q == end)
                  {
                    start_carry (self, TOK_LITERAL, p, end, OFF (p));
                    p = end;
                    if (!carry_too_large (self, error))
                      return FALSE;
                    break;
                  }
                if (!handle_literal (self, p, (gsize) (q - p), OFF (p), FALSE, error))
                  return FALSE;
                p = q;
              }
              break;

            default:
              if ((guchar) c == 0xEF && self->depth == 0 && OFF (p) == 0)
                {
                  self->state = ST_BOM1;
                  p++;
                  break;
                }
              if (self->depth == 0)
                {
                  char found[32];

                  describe_byte (found, p, end);
                  if (self->n_values == 0)
                    return set_error (self, error, CS_JSON_ERROR_SYNTAX, OFF (p), TRUE,
                                      _("the input does not start with JSON: found %s"), found);
                  return set_error (self, error, CS_JSON_ERROR_SYNTAX, OFF (p), TRUE,
                                    _("unexpected data after the end of a JSON value: found %s"),
                                    found);
                }
              return unexpected (self, p, end, OFF (p), TRUE, error);
            }
          break;

        case ST_BOM1:
        case ST_BOM2:
          if ((guchar) c != (self->state == ST_BOM1 ? 0xBB : 0xBF))
            return set_error (self, error, CS_JSON_ERROR_SYNTAX, OFF (p), TRUE,
                              _("the input does not start with JSON: found byte 0xEF"));
          self->state = self->state == ST_BOM1 ? ST_BOM2 : ST_VALUE;
          p++;
          break;

        case ST_DONE:
        default:
          {
            char found[32];

            describe_byte (found, p, end);
            return set_error (self, error, CS_JSON_ERROR_SYNTAX, OFF (p), FALSE,
                              _("unexpected data after the end of the JSON document: %s"),
                              found);
          }
        }
    }

#undef OFF

  self->offset += (guint64) (end - data);
  return TRUE;
}

static gboolean
fail (CsJsonStream *self,
      GError      **error)
{
  if (self->failure == NULL)
    self->failure = g_error_new_literal (CS_JSON_ERROR, CS_JSON_ERROR_SYNTAX,
                                         _("parsing failed"));
  if (error != NULL && *error == NULL)
    *error = g_error_copy (self->failure);
  return FALSE;
}

gboolean
cs_json_stream_feed (CsJsonStream *self,
                     const char   *data,
                     gsize         len,
                     GError      **error)
{
  GError *local_error = NULL;

  if (self->failure != NULL)
    return fail (self, error);

  if (self->carry_kind != TOK_NONE)
    {
      gsize used = 0;

      if (!continue_carry (self, data, len, &used, &local_error))
        goto failed;
      self->offset += used;
      data += used;
      len -= used;
    }

  if (len > 0 && !parse_chunk (self, data, data + len, &local_error))
    goto failed;
  return TRUE;

failed:
  self->failure = g_error_copy (local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

gboolean
cs_json_stream_end (CsJsonStream *self,
                    GError      **error)
{
  GError *local_error = NULL;

  if (self->failure != NULL)
    return fail (self, error);

  if (self->carry_kind == TOK_STRING || self->carry_kind == TOK_KEY)
    {
      set_error (self, &local_error, CS_JSON_ERROR_TRUNCATED, self->offset,
                 self->carry_kind == TOK_STRING, _("the input ends inside a string"));
      goto failed;
    }
  if (self->carry_kind != TOK_NONE && self->depth > 0)
    {
      /* a container is open: the input is cut, whatever the token */
      set_error (self, &local_error, CS_JSON_ERROR_TRUNCATED, self->offset, TRUE,
                 _("the input ends inside '%.*s'"), (int) MIN (self->carry->len, 20),
                 (const char *) self->carry->data);
      goto failed;
    }
  if (self->carry_kind != TOK_NONE)
    {
      guint64 start = self->offset;

      /* the carried bytes were already counted in offset */
      if (!finish_carry (self, TRUE, &local_error))
        goto failed;
      self->offset = start;
    }

  if (self->depth > 0)
    {
      const char *what;

      switch (self->state)
        {
        case ST_COLON:
          what = _("the input ends after a member name");
          break;
        case ST_VALUE:
          what = _("the input ends where a value is expected");
          break;
        case ST_KEY_OR_CLOSE:
        case ST_KEY:
        case ST_VALUE_OR_CLOSE:
        case ST_NEXT:
        case ST_DONE:
        case ST_BOM1:
        case ST_BOM2:
        default:
          what = self->stack[self->depth - 1].node->type == CS_JSON_OBJECT
            ? _("the input ends inside an object (expected '}')")
            : _("the input ends inside an array (expected ']')");
          break;
        }
      set_error (self, &local_error, CS_JSON_ERROR_TRUNCATED, self->offset,
                 self->state == ST_COLON || self->state == ST_VALUE, "%s", what);
      goto failed;
    }

  if (self->state == ST_BOM1 || self->state == ST_BOM2)
    {
      set_error (self, &local_error, CS_JSON_ERROR_SYNTAX, self->offset, FALSE,
                 _("the input does not start with JSON: found byte 0xEF"));
      goto failed;
    }

  if (self->mode == CS_JSON_STREAM_DOCUMENT && self->root == NULL)
    {
      set_error (self, &local_error, CS_JSON_ERROR_TRUNCATED, self->offset, FALSE,
                 _("the document is empty"));
      goto failed;
    }
  return TRUE;

failed:
  self->failure = g_error_copy (local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Whole documents                                                          */

CsJsonDocument *
cs_json_document_parse (const char *data,
                        gssize      len,
                        GError    **error)
{
  g_autoptr(CsJsonStream) stream = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len < 0)
    len = (gssize) strlen (data);

  stream = cs_json_stream_new (CS_JSON_STREAM_DOCUMENT, NULL, NULL);
  if (!cs_json_stream_feed (stream, data, (gsize) len, error) ||
      !cs_json_stream_end (stream, error))
    return NULL;
  return cs_json_stream_steal_document (stream);
}
