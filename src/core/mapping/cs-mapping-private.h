/* cs-mapping-private.h: the parsed mapping file, shared by the parser, the
 * compiler and the runner
 *
 * cs-mapping-diag.c       problems with JSON paths; reading members of JSON objects
 * cs-mapping-file.c       the mapping file → MapInputDef / MapResourceDef / TNode trees
 * cs-mapping-template.c   templates, conditions and {{…}} strings → TNode / MapCond
 * cs-mapping-conceptmap.c FHIR ConceptMap → CsConceptMap (an index source value → targets)
 * cs-mapping-id.c         UUIDv5, SHA-1/SHA-256 helpers, FHIR id checks
 * cs-mapping-compile.c    TNode trees + headers → CsMappingProgram (cs-mapping-program.h)
 * cs-mapping-eval.c       one row through a program → JSON text (the hot path)
 * cs-mapping-run.c        inputs, indexes of looked-up tables, phases, progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-fhir-id.h"
#include "cs-fhir-model.h"
#include "cs-fhir-validate.h"
#include "cs-json.h"
#include "cs-mapping.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Diagnostics while loading                                           */

typedef struct
{
  const char *name;        /* file name for messages */
  GPtrArray  *messages;    /* char*: "name: path: message" */
} MapDiag;

void      map_diag_add        (MapDiag    *diag,
                               const char *path,
                               const char *format,
                               ...) G_GNUC_PRINTF (3, 4);
/* FALSE with every message joined in one error (code), when there are any */
gboolean  map_diag_check      (const MapDiag *diag,
                               int            code,
                               GError       **error);
/* "did you mean "x"?" suffix (with a leading space) or "" */
char     *map_suggest         (const char         *word,
                               const char * const *candidates);
/* path + "." + key, or path + "[\"key\"]" when key is not an identifier */
char     *map_path_member     (const char *path,
                               const char *key);
char     *map_path_index      (const char *path,
                               guint       index);
/* Checks that every member of object is one of allowed (NULL-terminated)
 * and that no member appears twice; reports the others. */
gboolean  map_check_members   (MapDiag            *diag,
                               const char         *path,
                               const CsJsonNode   *object,
                               const char * const *allowed);
gboolean  map_json_is_nonempty_string (const CsJsonNode *node);
/* "a string", "an object", … for messages */
const char *map_json_type_name (const CsJsonNode *node);
/* Members of an object, each reported at its JSON path when it has the
 * wrong type: a non-empty string without NUL (NULL when absent or wrong;
 * "is missing" when required), a boolean (fallback when absent or wrong),
 * a string or an array of strings (a new GPtrArray of char*, or NULL). */
const char *map_get_string      (MapDiag          *diag,
                                 const char       *path,
                                 const CsJsonNode *object,
                                 const char       *key,
                                 gboolean          required);
gboolean    map_get_bool        (MapDiag          *diag,
                                 const char       *path,
                                 const CsJsonNode *object,
                                 const char       *key,
                                 gboolean          fallback);
GPtrArray  *map_get_string_list (MapDiag          *diag,
                                 const char       *path,
                                 const CsJsonNode *object,
                                 const char       *key,
                                 gboolean          allow_single,
                                 gboolean          allow_empty_strings);

/* ------------------------------------------------------------------ */
/* Column references and conditions                                    */

typedef struct
{
  char *input;     /* role, NULL = the row's own input */
  char *column;
} MapColRef;

typedef enum
{
  FEATURE_VALUE,          /* the cell */
  FEATURE_COLUMN,         /* the column's name as written */
  FEATURE_NAME,           /* the feature's name (radiomics: without filter and class) */
  FEATURE_CLASS,          /* radiomics feature class ("glcm") */
  FEATURE_FILTER,         /* radiomics image filter ("original", "wavelet-HLH") */
  FEATURE_CODE,           /* canonical pyradiomics name ("wavelet-HLH_glrlm_RunEntropy") */
  FEATURE_IBSI,           /* IBSI code, where pyradiomics' definition matches */
  FEATURE_IBSI_DISPLAY,   /* IBSI meaning */
  FEATURE_UNIT,           /* UCUM code of the feature's unit */
  FEATURE_UNIT_SYSTEM,    /* the UCUM system URI when there is a unit */
  FEATURE_LABEL,          /* a label for people ("GLCM Joint Entropy") */
  N_FEATURE_ATTRS
} FeatureAttr;

extern const char * const map_feature_attr_names[N_FEATURE_ATTRS + 1];

typedef enum
{
  COND_ALL,
  COND_ANY,
  COND_NOT,
  COND_PRESENT,     /* column present (not missing); negate = missing */
  COND_EQUALS,      /* values: one or more (in) */
  COND_MATCHES,     /* regex, anchored */
  COND_MAPPED,      /* the value has codes in a ConceptMap (target) */
  COND_MADE,        /* the resource template target makes something for this row */
  COND_FEATURE,     /* a feature attribute present */
} MapCondKind;

typedef struct _MapCond MapCond;
struct _MapCond
{
  MapCondKind  kind;
  char        *path;       /* JSON path in the mapping */
  GPtrArray   *children;   /* MapCond*: all, any; not has one */
  MapColRef    col;
  gboolean     negate;     /* present: false */
  GPtrArray   *values;     /* char*: equals / in (numbers as written) */
  gboolean     numeric;    /* equals/in with JSON numbers: compare as numbers */
  GRegex      *regex;
  FeatureAttr  feature;
  char        *target;     /* mapped: the ConceptMap's id or url; made: a resource name */
};

void      map_cond_free       (MapCond *cond);
MapCond  *map_parse_condition (MapDiag          *diag,
                               const char       *path,
                               const CsJsonNode *node,
                               int               depth);

/* ------------------------------------------------------------------ */
/* Templates                                                           */

typedef enum
{
  TNODE_CONST,     /* a JSON value without directives (json) */
  TNODE_OBJECT,
  TNODE_ARRAY,
  TNODE_COLUMN,    /* {"$column": …} or "{{col}}" alone */
  TNODE_INTERP,    /* "text {{col}} text" */
  TNODE_MAP,       /* {"$map": …, "column": …} */
  TNODE_REF,       /* {"$ref": name} */
  TNODE_REF_ALL,   /* {"$refAll": name} */
  TNODE_FEATURE,   /* {"$feature": attr} or "{{$feature.attr}}" alone */
} TNodeKind;

typedef enum
{
  OUT_AUTO,               /* from the FHIR element, else from the column type */
  OUT_STRING,
  OUT_NUMBER,
  OUT_INTEGER,
  OUT_BOOLEAN,
  OUT_CODE,               /* $map: the target code */
  OUT_CODING,             /* $map: one Coding */
  OUT_CODINGS,            /* $map: Codings spread into the enclosing array */
  OUT_CODEABLE_CONCEPT,   /* $map: {"coding": […]} */
} OutKind;

typedef struct
{
  gboolean    is_column;   /* else literal text or a feature attribute */
  gboolean    is_feature;
  char       *text;        /* literal */
  MapColRef   col;
  FeatureAttr feature;
} InterpPart;

typedef struct _TNode TNode;

typedef struct
{
  char  *key;
  TNode *value;
} TMember;

struct _TNode
{
  TNodeKind          kind;
  char              *path;       /* JSON path in the mapping file */
  const CsJsonNode  *json;       /* CONST: the value (points into the mapping's documents) */
  GPtrArray         *members;    /* OBJECT: TMember* */
  GPtrArray         *items;      /* ARRAY: TNode* */
  MapCond           *when;       /* OBJECT: $when */
  MapColRef          col;        /* COLUMN, MAP */
  GPtrArray         *parts;      /* INTERP: InterpPart* */
  OutKind            out;        /* COLUMN ("as"), MAP ("as") */
  gboolean           required;   /* COLUMN, MAP: a missing cell is an error */
  gboolean           optional;   /* REF: a resource that is not produced leaves the element out */
  char              *target;     /* REF, REF_ALL: template name; MAP: ConceptMap reference */
  int                unmapped;   /* MAP: CsUnmappedPolicy, or -1 = the ConceptMap's */
  gboolean           with_text;  /* MAP: CodeableConcept.text = the source value */
  FeatureAttr        feature;    /* FEATURE */
  gboolean           dynamic;    /* has directives below (else a CONST subtree) */
  /* the FHIR element the value is for (cs-mapping-fhir.c), NULL when unknown */
  const CsFhirElement *element;
  const CsFhirType   *type;
  gboolean           ucum;       /* the code of a Quantity whose system is UCUM */
};

void      map_tnode_free      (TNode *node);
TNode    *map_parse_template  (MapDiag          *diag,
                               const char       *path,
                               const CsJsonNode *node,
                               int               depth);
/* Parses a string value: CONST, COLUMN/FEATURE (a lone placeholder) or
 * INTERP. NULL after reporting a syntax error. */
TNode    *map_parse_string    (MapDiag          *diag,
                               const char       *path,
                               const CsJsonNode *node);

/* Checks a template against the FHIR R4 model (cs-mapping-fhir.c):
 * unknown elements, arrays where an element repeats and only there,
 * required elements, constant values (primitive formats, required
 * bindings), what each directive may stand for, reference targets; and
 * notes on each value node the element it is for. */
void      map_fhir_check_template (MapDiag    *diag,
                                   CsMapping  *mapping,
                                   const char *resource_type,
                                   TNode      *template);

/* ------------------------------------------------------------------ */
/* Inputs and resources                                                */

typedef enum
{
  COLTYPE_STRING,
  COLTYPE_INTEGER,
  COLTYPE_DECIMAL,
  COLTYPE_DATE,
  COLTYPE_DATETIME,
  COLTYPE_BOOLEAN,
} MapColumnType;

typedef struct
{
  char          *name;
  char          *path;
  MapColumnType  type;
  char          *date_format;    /* date: strptime-like pattern, or NULL (ISO 8601) */
  GStrv          missing;        /* extra missing tokens of this column, or NULL */
  GStrv          true_tokens;    /* boolean */
  GStrv          false_tokens;
  gboolean       required;       /* a missing value is an error wherever the column is used */
} MapColumnDef;

typedef struct
{
  char      *input;          /* role of the table joined to */
  char      *path;
  GPtrArray *from;           /* char*: this table's columns */
  GPtrArray *to;             /* char*: the other table's key columns, same order */
} MapJoin;

typedef struct
{
  char         *role;
  char         *description;
  char         *path;
  GPtrArray    *key;          /* char* columns, may be empty */
  GPtrArray    *joins;        /* MapJoin* */
  CsCsvDialect  dialect;
  GPtrArray    *columns;      /* MapColumnDef* */
  char         *feature_class; /* radiomics: the class of bare feature names */
  gboolean      optional;     /* may be left out of a run */
} MapInputDef;

typedef struct
{
  char      *name;
  char      *path;
  char      *description;
  char      *resource_type;
  GPtrArray *inputs;         /* char* roles */
  MapCond   *when;
  /* wide → long */
  gboolean   wide;
  GRegex    *match;
  GRegex    *exclude;
  gboolean   radiomics;      /* parse pyradiomics names; skip diagnostics_* */
  gboolean   modality_ct;    /* radiomics: CT intensities are in Hounsfield units */
  gboolean   skip_zero_rows; /* radiomics: a row whose features are all 0 is missing */
  /* ids */
  TNode     *id;             /* explicit id (a string template), or NULL */
  GPtrArray *key;            /* char*: columns that make the id instead of the input's key;
                              * resources with equal ids are written once */
  TNode     *template;
} MapResourceDef;

struct _CsConceptMap
{
  char           *id;
  char           *url;
  char           *version;
  char           *where;       /* "maps/t.json" or "mapping.json: conceptMaps[0]" */
  GHashTable     *index;       /* trimmed source code → MapEntry* */
  int             unmapped;    /* CsUnmappedPolicy, -1 = not said */
  CsConceptMapTarget fixed;    /* unmapped.mode fixed */
  char           *provided_system; /* unmapped.mode provided: the group's target system */
  guint           max_targets; /* most usable targets of one source value */
  GPtrArray      *strings;     /* owned strings the targets point to */
};

void          map_concept_map_free  (CsConceptMap     *map);
/* Parses a ConceptMap resource; where names it in messages. */
CsConceptMap *map_concept_map_parse (MapDiag          *diag,
                                     const char       *path,
                                     const CsJsonNode *node);

struct _CsMapping
{
  gatomicrefcount  ref;
  char            *name;       /* basename for messages */
  char            *base_dir;
  char            *id;
  char            *version;
  char            *title;
  char            *description;
  char            *namespace_text;
  guint8           namespace_uuid[16];
  char            *sha256;
  char            *ibsi_path;  /* absolute path of the IBSI dictionary, or NULL */
  gboolean         ibsi_set;   /* ibsi_path was given by cs_mapping_set_ibsi_dictionary() */
  GPtrArray       *documents;  /* CsJsonDocument*: templates point into them */
  GPtrArray       *files;      /* char*: the files read (mapping, ConceptMaps) */
  GPtrArray       *inputs;     /* MapInputDef* */
  GPtrArray       *concept_maps; /* CsConceptMap* */
  GPtrArray       *resources;  /* MapResourceDef* */
};

int            map_find_resource     (CsMapping  *mapping,
                                      const char *name);
MapInputDef   *map_get_input         (CsMapping  *mapping,
                                      guint       index);
MapResourceDef *map_get_resource     (CsMapping  *mapping,
                                      guint       index);
const MapColumnDef *map_input_find_column (const MapInputDef *input,
                                           const char        *name);

/* ------------------------------------------------------------------ */
/* Ids and hashes (cs-mapping-id.c)                                    */

G_END_DECLS
