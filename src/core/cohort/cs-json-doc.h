/* cs-json-doc.h: reading Cohortscope's own JSON files with json-glib
 *
 * Saved cohorts (cs-saved-cohort.h) and saved models (cs-cox-model.h) are
 * small JSON documents read whole with json-glib. These helpers give their
 * readers one way to say what is wrong and where: "FILE: $.terms[2].coef:
 * expected a number but found a string", in the reader's GError domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Who reads: errors are domain/code and name where (a file name) or, without
 * one, what (translated, e.g. "cohort"). */
typedef struct
{
  const char *where;
  const char *what;
  GQuark      domain;
  int         code;          /* the domain's "invalid" code */
} CsJsonDoc;

/* "WHERE: PATH: MESSAGE" */
void        cs_json_doc_error         (const CsJsonDoc  *doc,
                                       GError          **error,
                                       const char       *path,
                                       const char       *format,
                                       ...) G_GNUC_PRINTF (4, 5);
/* "null", "an object", "an array", "a string", "a boolean", "a number" */
const char *cs_json_doc_type_name     (JsonNode         *node);
/* The root object of data: an error when it is not UTF-8, not JSON (with
 * json-glib's line and column) or not an object. */
JsonNode   *cs_json_doc_parse         (const CsJsonDoc  *doc,
                                       const char       *data,
                                       gssize            length,
                                       GError          **error);
/* An optional (or required) string member into *out (freed first). */
gboolean    cs_json_doc_get_string    (const CsJsonDoc  *doc,
                                       JsonObject       *object,
                                       const char       *member,
                                       const char       *parent_path,
                                       gboolean          required,
                                       char            **out,
                                       GError          **error);
/* A number member into *out; absent or null gives NAN when nullable, else
 * an error. */
gboolean    cs_json_doc_get_number    (const CsJsonDoc  *doc,
                                       JsonObject       *object,
                                       const char       *member,
                                       const char       *parent_path,
                                       gboolean          nullable,
                                       double           *out,
                                       GError          **error);
/* The array member (NULL when absent or null and not required), or an error. */
gboolean    cs_json_doc_get_array     (const CsJsonDoc  *doc,
                                       JsonObject       *object,
                                       const char       *member,
                                       const char       *parent_path,
                                       gboolean          required,
                                       JsonArray       **out,
                                       GError          **error);
/* The object member (NULL when absent or null and not required), or an error. */
gboolean    cs_json_doc_get_object    (const CsJsonDoc  *doc,
                                       JsonObject       *object,
                                       const char       *member,
                                       const char       *parent_path,
                                       gboolean          required,
                                       JsonObject      **out,
                                       GError          **error);
/* Element index of array as an object, or NULL with an error naming path. */
JsonObject *cs_json_doc_object_element (const CsJsonDoc *doc,
                                       JsonArray        *array,
                                       guint             index,
                                       const char       *path,
                                       GError          **error);
/* Checks $.format against expected ("PREFIX/N"): a "PREFIX/M" with M > N
 * is unsupported_code ("written by a newer Cohortscope"), anything else
 * is invalid. */
gboolean    cs_json_doc_check_format  (const CsJsonDoc  *doc,
                                       JsonObject       *object,
                                       const char       *expected,
                                       int               unsupported_code,
                                       GError          **error);

G_END_DECLS
