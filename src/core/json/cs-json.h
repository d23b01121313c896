/* cs-json.h: a small, fast JSON value tree and streaming parser
 *
 * The streaming ingest never builds a DOM of a whole document. It builds a
 * CsJsonNode tree for ONE resource at a time (arena-allocated, freed as a
 * block) and hands it to a callback. Node trees are read-only for consumers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_JSON_ERROR (cs_json_error_quark ())

typedef enum
{
  CS_JSON_ERROR_SYNTAX,        /* unexpected character or token */
  CS_JSON_ERROR_TRUNCATED,     /* input ended inside a value */
  CS_JSON_ERROR_UTF8,          /* invalid UTF-8 or bad \u escape */
  CS_JSON_ERROR_TOO_DEEP,      /* nesting beyond CS_JSON_MAX_DEPTH */
  CS_JSON_ERROR_TOO_LARGE,     /* a string, number or resource beyond its limit */
  CS_JSON_ERROR_RANGE,         /* a number a double cannot hold (1e400, 1e-400) */
} CsJsonError;

#define CS_JSON_MAX_DEPTH 256

/* What one value built at once may cost: a whole document
 * (cs_json_document_parse), a top-level value of a sequence (a resource, an
 * NDJSON line), or one element of a streamed array (a Bundle entry), plus
 * what is held of the value around it. Values counts every JSON value
 * (objects, arrays, members' values, elements); bytes is its JSON text.
 * Beyond either, parsing fails with CS_JSON_ERROR_TOO_LARGE, so the parser
 * never holds more than about 56 bytes per value plus the text (see
 * docs/INGEST.md). */
#define CS_JSON_MAX_VALUES      4000000
#define CS_JSON_MAX_VALUE_BYTES (G_GUINT64_CONSTANT (128) * 1024 * 1024)

typedef enum
{
  CS_JSON_NULL,
  CS_JSON_BOOLEAN,
  CS_JSON_NUMBER,
  CS_JSON_STRING,
  CS_JSON_ARRAY,
  CS_JSON_OBJECT,
} CsJsonType;

typedef struct _CsJsonNode CsJsonNode;

struct _CsJsonNode
{
  CsJsonType  type;
  guint32     n_children;    /* arrays and objects */
  const char *key;           /* member name when the parent is an object, else NULL */
  CsJsonNode *next;          /* next sibling, NULL at the end */
  union {
    gboolean    boolean;
    struct {
      double      value;
      const char *text;      /* the literal as written, NUL-terminated */
    } number;
    struct {
      const char *str;       /* unescaped, valid UTF-8, NUL-terminated */
      gsize       len;       /* bytes, may contain embedded NUL from \u0000 */
    } string;
    CsJsonNode *first_child; /* arrays and objects, NULL when empty */
  } v;
};

GQuark             cs_json_error_quark      (void);

/* Accessors: all are NULL-safe (a NULL node gives NULL / FALSE). */
const CsJsonNode  *cs_json_get              (const CsJsonNode *object,
                                             const char       *key);
const CsJsonNode  *cs_json_get_path         (const CsJsonNode *node,
                                             const char       *dotted_path); /* "code.coding", first array element is taken for arrays: "coding.0.code" also accepted */
const CsJsonNode  *cs_json_first            (const CsJsonNode *node);     /* first child of array/object */
const CsJsonNode  *cs_json_nth              (const CsJsonNode *array,
                                             guint             index);
const char        *cs_json_get_string       (const CsJsonNode *object,
                                             const char       *key);      /* NULL unless a string */
gboolean           cs_json_get_number       (const CsJsonNode *object,
                                             const char       *key,
                                             double           *out_value);
gboolean           cs_json_get_boolean      (const CsJsonNode *object,
                                             const char       *key,
                                             gboolean         *out_value);
const char        *cs_json_string           (const CsJsonNode *node);     /* NULL unless a string */
gboolean           cs_json_is               (const CsJsonNode *node,
                                             CsJsonType        type);

/* Serialise a node (compact or indented with two spaces).
 * cs_json_append_escaped() appends str as a complete JSON string literal,
 * surrounding quotes included. */
char              *cs_json_to_string        (const CsJsonNode *node,
                                             gboolean          pretty);
void               cs_json_append_escaped   (GString          *out,
                                             const char       *str,
                                             gssize            len);

/* A GHashFunc for NUL-terminated strings, like g_str_hash but 8 bytes a
 * step: the keys read from FHIR (system|code, Type/id) are long, and a
 * server load looks up several per resource. Use with g_str_equal. */
guint              cs_str_hash              (gconstpointer     key);

/* Whole-buffer parse into a tree (small documents: tests, settings). */
typedef struct _CsJsonDocument CsJsonDocument;

CsJsonDocument    *cs_json_document_parse   (const char       *data,
                                             gssize            len,
                                             GError          **error);
const CsJsonNode  *cs_json_document_get_root (CsJsonDocument  *doc);
void               cs_json_document_free    (CsJsonDocument   *doc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsJsonDocument, cs_json_document_free)

G_END_DECLS
