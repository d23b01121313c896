/* cs-mapping-structure.h: the mapping as a tree, and structured edits of it
 *
 * The editor's Structure view shows a mapping document as inputs (role,
 * key, joins), resources (type, id policy, condition, forEachColumn) and
 * each template's elements with the kind of their value; its edits are
 * functions from the mapping text to a new text, so the JSON text stays the
 * one source of truth and each edit is one undoable change of it. The new
 * text is the whole document re-written by json-glib (two-space indent,
 * members in their order; numbers in json-glib's shortest form, so 2.50
 * becomes 2.5): formatting is normalised by the first structured edit.
 *
 * Elements are named by a path from the document's root, the form the
 * engine's messages use: "resources[1].template.code.coding[0]".
 * docs/MAPPING-EDITOR.md describes the editor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cs-code-catalogue.h"

G_BEGIN_DECLS

typedef enum
{
  CS_MAPPING_VALUE_CONSTANT,   /* a JSON string, number or boolean */
  CS_MAPPING_VALUE_TEXT,       /* a string with {{placeholders}} */
  CS_MAPPING_VALUE_COLUMN,     /* {"$column": …} */
  CS_MAPPING_VALUE_MAP,        /* {"$map": …, "column": …} */
  CS_MAPPING_VALUE_REF,        /* {"$ref": …} or {"$refAll": …} */
  CS_MAPPING_VALUE_DIRECTIVE,  /* another directive ($feature, $literal) */
  CS_MAPPING_VALUE_OBJECT,     /* nested: children */
  CS_MAPPING_VALUE_ARRAY,      /* nested: children named [0], [1] … */
} CsMappingValueKind;

typedef struct _CsTemplateElement CsTemplateElement;
struct _CsTemplateElement
{
  char               *name;       /* "code", "[0]" */
  char               *path;       /* "resources[1].template.code" */
  CsMappingValueKind  kind;
  char               *column;     /* COLUMN, MAP: the column */
  char               *map;        /* MAP: the ConceptMap; REF: the resource */
  char               *input;      /* COLUMN, MAP: the "input" option, or NULL */
  char               *value;      /* CONSTANT, TEXT, DIRECTIVE, MAP: compact JSON */
  char               *condition;  /* OBJECT: its "$when", compact JSON, or NULL */
  char               *unmapped;   /* MAP: its "unmapped" option, or NULL */
  GPtrArray          *children;   /* OBJECT, ARRAY: CsTemplateElement ("$when" is not one) */
};

typedef enum
{
  CS_MAPPING_ID_DEFAULT,   /* UUIDv5 of the name and the input's key */
  CS_MAPPING_ID_TEMPLATE,  /* "id": "{{column}}" */
  CS_MAPPING_ID_KEY,       /* "key": columns */
} CsMappingIdPolicy;

typedef struct
{
  char  *input;     /* the other role */
  char  *on;        /* compact JSON of "on" */
} CsMappingJoinInfo;

typedef struct
{
  char      *role;
  char      *path;      /* "inputs[0]" */
  char     **key;       /* columns, NULL-terminated (empty: no key) */
  GPtrArray *joins;     /* CsMappingJoinInfo */
  gboolean   optional;
} CsMappingInputInfo;

typedef struct
{
  char              *name;
  char              *path;            /* "resources[2]" */
  char             **inputs;          /* roles */
  char              *type;            /* resourceType, or NULL */
  CsMappingIdPolicy  id_policy;
  char              *id_template;     /* TEMPLATE: the "id" value */
  char             **id_key;          /* KEY: the columns */
  char              *condition;       /* "when", compact JSON, or NULL */
  char              *for_each_column; /* compact JSON, or NULL */
  CsTemplateElement  *template;        /* the template object, named by the type */
} CsMappingResourceInfo;

typedef struct
{
  char     *id;
  char     *file;     /* the "$file" it is read from, or NULL (inline) */
} CsMappingMapInfo;

typedef struct
{
  GPtrArray *inputs;      /* CsMappingInputInfo */
  GPtrArray *resources;   /* CsMappingResourceInfo */
  GPtrArray *maps;        /* CsMappingMapInfo: the conceptMaps, in order */
} CsMappingStructure;

/* The structure of a mapping text. Fails only when the text is not a JSON
 * object; parts the engine would refuse are listed as they are. */
CsMappingStructure *cs_mapping_structure_new   (const char               *text,
                                                GError                  **error);
void                cs_mapping_structure_free  (CsMappingStructure       *self);
/* The "unmapped" option of the first {"$map": map} of the templates, or NULL. */
const char         *cs_mapping_structure_get_map_unmapped (const CsMappingStructure *self,
                                                           const char               *map);
/* The element at a path, or NULL. */
const CsTemplateElement *cs_mapping_structure_find_element (const CsMappingStructure *self,
                                                           const char               *path);
/* The element's value in words: "column “age”", "“final”", "value map “gender” of column “sex”" (translated). */
char               *cs_template_element_describe (const CsTemplateElement  *element);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMappingStructure, cs_mapping_structure_free)

/* ------------------------------------------------------------------ */
/* Edits: each returns the new text, or NULL with an error
 * (CS_MAPPING_ASSIST_ERROR_EDIT naming the path, or a JSON syntax error). */

/* The value at path replaced by value_json (any JSON); when the path's last
 * member does not exist in its object yet, it is added. */
char *cs_mapping_text_set_element          (const char          *text,
                                            const char          *path,
                                            const char          *value_json,
                                            GError             **error);
/* {"$column": column} (with "input" when input is not NULL) */
char *cs_mapping_text_set_element_column   (const char          *text,
                                            const char          *path,
                                            const char          *column,
                                            const char          *input,
                                            GError             **error);
/* A fixed value typed by a person: a number, true or false as such when the
 * element held a number or boolean before or as_text is FALSE, else a string. */
char *cs_mapping_text_set_element_constant (const char          *text,
                                            const char          *path,
                                            const char          *value,
                                            gboolean             as_text,
                                            GError             **error);
/* {"$map": map, "column": column} (with "as" when as is not NULL); keeps
 * the "unmapped", "text" and "as" options of a $map that was there. */
char *cs_mapping_text_set_element_map      (const char          *text,
                                            const char          *path,
                                            const char          *map,
                                            const char          *column,
                                            const char          *as,
                                            GError             **error);
/* Puts a Coding at path: appended when the value there is an array, or an
 * object with a "coding" array (a CodeableConcept); replacing it when it is
 * a Coding (has "code" or "system"); the first "coding" of any other object
 * (a CodeableConcept with only a "text"); else (a fixed value, a directive)
 * the value becomes a CodeableConcept {"coding": [coding]}. */
char *cs_mapping_text_put_coding           (const char          *text,
                                            const char          *path,
                                            const CsCoding      *coding,
                                            GError             **error);
/* Adds a member (an object at parent_path) or, with name NULL, appends to
 * an array at parent_path. A member that exists is an error. */
char *cs_mapping_text_add_element          (const char          *text,
                                            const char          *parent_path,
                                            const char          *name,
                                            const char          *value_json,
                                            GError             **error);
char *cs_mapping_text_remove_element       (const char          *text,
                                            const char          *path,
                                            GError             **error);
/* The condition of a resource ("resources[N]": its "when") or of an object
 * of a template (its "$when"); condition_json NULL removes it. */
char *cs_mapping_text_set_condition        (const char          *text,
                                            const char          *path,
                                            const char          *condition_json,
                                            GError             **error);
/* The key of an input: one column as a string, several as a list, none
 * (NULL or empty) removes it. */
char *cs_mapping_text_set_input_key        (const char          *text,
                                            const char          *role,
                                            const char * const  *columns,
                                            GError             **error);
/* The join of role to other on columns both have (replacing a join to
 * other); on NULL or empty removes the join to other. */
char *cs_mapping_text_set_input_join       (const char          *text,
                                            const char          *role,
                                            const char          *other,
                                            const char * const  *on,
                                            GError             **error);
/* DEFAULT removes "id" and "key"; TEMPLATE sets "id" to values[0]; KEY sets
 * "key" to the columns in values. */
char *cs_mapping_text_set_id_policy        (const char          *text,
                                            const char          *resource,
                                            CsMappingIdPolicy    policy,
                                            const char * const  *values,
                                            GError             **error);
/* A new resource {"name", "input", "template": {"resourceType": type}} at
 * the end; a name in use is an error. */
char *cs_mapping_text_add_resource         (const char          *text,
                                            const char          *name,
                                            const char          *input,
                                            const char          *type,
                                            GError             **error);
char *cs_mapping_text_remove_resource      (const char          *text,
                                            const char          *name,
                                            GError             **error);
/* A new inline ConceptMap {id, url, status draft, one group to
 * target_system} with its first entry (a ConceptMap lists at least one; as
 * cs_mapping_text_set_map_entry()); an id in use is an error. */
char *cs_mapping_text_add_concept_map      (const char          *text,
                                            const char          *id,
                                            const char          *target_system,
                                            const char          *source,
                                            const CsCoding      *targets,
                                            guint                n_targets,
                                            GError             **error);
/* The entry of a source value in the ConceptMap map (inline or $file: a map
 * read from a file becomes inline): its targets replaced by the codings
 * (one-to-many: each to the group of its system, made when missing; a
 * coding without a system goes to the first group). n_targets 0 lists the
 * value as having no code on purpose (equivalence "unmatched", with
 * comment). */
char *cs_mapping_text_set_map_entry        (const char          *text,
                                            const char          *base_dir,
                                            const char          *map,
                                            const char          *source,
                                            const CsCoding      *targets,
                                            guint                n_targets,
                                            const char          *comment,
                                            GError             **error);
/* One more target for a source value (one-to-many), in the group of its
 * system; a "no code" target of the value goes. */
char *cs_mapping_text_add_map_target       (const char          *text,
                                            const char          *base_dir,
                                            const char          *map,
                                            const char          *source,
                                            const CsCoding      *target,
                                            GError             **error);
/* The source value taken out of every group of the map (it is then
 * unmapped); a value the map does not list is an error. */
char *cs_mapping_text_remove_map_entry     (const char          *text,
                                            const char          *base_dir,
                                            const char          *map,
                                            const char          *source,
                                            GError             **error);
/* "unmapped" of every {"$map": map} directive: "error", "keep", "omit", or
 * NULL to remove it (the map's own policy, else error). */
char *cs_mapping_text_set_map_unmapped     (const char          *text,
                                            const char          *map,
                                            const char          *policy,
                                            GError             **error);

G_END_DECLS
