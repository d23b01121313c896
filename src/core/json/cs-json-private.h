/* cs-json-private.h: the push (streaming) JSON parser behind cs-json.h
 *
 * Used by cs_json_document_parse() and by the streaming ingest. The parser is
 * a byte-level state machine with an explicit stack (no recursion per level):
 * bytes may be fed in chunks split anywhere. Values are built as CsJsonNode
 * trees in an arena. In SEQUENCE mode every complete top-level value is handed
 * to funcs->value and then freed; an array that is a member of the top-level
 * object can be "streamed": each element is handed to funcs->element and freed
 * as soon as it is complete, so memory is bounded by the largest element.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-json.h"

G_BEGIN_DECLS

/* Limits: a single string literal (raw bytes between the quotes) and a single
 * number literal. Beyond them the parser fails with CS_JSON_ERROR_TOO_LARGE. */
#define CS_JSON_MAX_STRING (16 * 1024 * 1024)
#define CS_JSON_MAX_NUMBER 4096

typedef enum
{
  CS_JSON_STREAM_DOCUMENT, /* exactly one value, then only whitespace */
  CS_JSON_STREAM_SEQUENCE, /* any whitespace-separated sequence of values (NDJSON) */
} CsJsonStreamMode;

typedef struct _CsJsonStream CsJsonStream;

typedef struct
{
  /* A complete top-level value (SEQUENCE mode); freed after the call. */
  gboolean (*value)        (CsJsonStream     *stream,
                            const CsJsonNode *node,
                            guint64           offset,
                            gpointer          user_data,
                            GError          **error);
  /* An array opens as member `key` of the top-level object (whose members so
   * far are linked under top_object). Return TRUE to stream its elements. */
  gboolean (*stream_array) (CsJsonStream     *stream,
                            const CsJsonNode *top_object,
                            const char       *key,
                            gpointer          user_data);
  /* A complete element of a streamed array; freed after the call. */
  gboolean (*element)      (CsJsonStream     *stream,
                            const CsJsonNode *element,
                            guint             index,
                            guint64           offset,
                            gpointer          user_data,
                            GError          **error);
} CsJsonStreamFuncs;

CsJsonStream *cs_json_stream_new        (CsJsonStreamMode         mode,
                                         const CsJsonStreamFuncs *funcs,
                                         gpointer                 user_data);
void          cs_json_stream_free       (CsJsonStream            *self);
/* Forget all state (and free all nodes) to start a new, independent input. */
void          cs_json_stream_reset      (CsJsonStream            *self);
/* What one value built at once may hold (see CS_JSON_MAX_VALUES in
 * cs-json.h); 0 keeps the default. Set before feeding. */
void          cs_json_stream_set_limits (CsJsonStream            *self,
                                         guint64                  max_values,
                                         guint64                  max_bytes);
/* TRUE before the first top-level value of the input has begun: an error
 * now means the input does not start with JSON at all. */
gboolean      cs_json_stream_at_start   (CsJsonStream            *self);
gboolean      cs_json_stream_feed       (CsJsonStream            *self,
                                         const char              *data,
                                         gsize                    len,
                                         GError                 **error);
/* The input ended: completes a pending number/literal, fails when a value is open. */
gboolean      cs_json_stream_end        (CsJsonStream            *self,
                                         GError                 **error);
/* Bytes consumed so far. */
guint64       cs_json_stream_get_offset (CsJsonStream            *self);
/* Between feeds: where the value still being built starts (the open element
 * of a streamed array, else the open top-level value), or the offset when
 * none is open. The span of every value reported later starts at or after
 * it, so a caller that wants the bytes of reported values keeps from here. */
guint64       cs_json_stream_get_open_offset (CsJsonStream       *self);
/* DOCUMENT mode, after a successful end: the root and its arena, transferred
 * to a CsJsonDocument. */
CsJsonDocument *cs_json_stream_steal_document (CsJsonStream      *self);

/* Byte span of an object or array in its input: offset of '{' / '[' and
 * length up to and including the matching '}' / ']'. FALSE for scalars. */
gboolean      cs_json_node_get_span     (const CsJsonNode        *node,
                                         guint64                 *offset,
                                         guint64                 *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsJsonStream, cs_json_stream_free)

G_END_DECLS
