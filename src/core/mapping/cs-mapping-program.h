/* cs-mapping-program.h: a mapping compiled against its inputs' headers
 *
 * Each (resource, driving input) pair becomes a CTemplate: a tree of CNodes
 * whose constant parts are pre-serialised JSON bytes and whose dynamic parts
 * name resolved columns (input, column index, parsing rules), ConceptMaps,
 * target templates and join paths (CLookup). cs-mapping-eval.c walks it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "cs-mapping-private.h"

G_BEGIN_DECLS

/* Appends to a GString without a function call when it has room: the
 * evaluator writes every resource a few bytes at a time. */
static inline void
map_out_add (GString    *s,
             const char *data,
             gsize       len)
{
  if (G_LIKELY (s->len + len < s->allocated_len))
    {
      memcpy (s->str + s->len, data, len);
      s->len += len;
      s->str[s->len] = '\0';
    }
  else
    g_string_append_len (s, data, len);
}
#define MAP_OUT_LIT(s, lit) map_out_add ((s), (lit), sizeof (lit) - 1)

/* One step along the joins from one table to another. */
typedef struct
{
  gboolean forward;   /* TRUE: this table joins the other (at most one row);
                       * FALSE: the other table joins this one (many rows) */
  guint    from;      /* input the step starts at */
  guint    to;        /* input the step ends at */
  guint    owner;     /* input whose "join" entry is used (from when forward, to when not) */
  guint    join;      /* index of that join in owner's joins */
  gboolean unique;    /* at most one row (forward, or reverse onto the other's whole key) */
  guint   *cols;      /* columns of `from` whose values are looked up: forward, in the order
                       * of `to`'s key; reverse, in the order of the join's columns */
  guint    n_cols;
} CStep;

typedef struct
{
  guint    from;
  guint    to;
  GArray  *steps;     /* CStep */
  gboolean unique;
  char    *description; /* "shape → clinical → dicom" */
} CLookup;

/* CColRef.lookup and CNode.lookup: the row itself, or an input left out of the run */
#define LOOKUP_SELF   (-1)
#define LOOKUP_ABSENT (-2)

typedef struct
{
  int                 lookup;   /* index into program->lookups, LOOKUP_SELF or LOOKUP_ABSENT */
  guint               input;    /* input holding the column */
  guint               column;   /* column index in that input */
  const MapColumnDef *def;      /* parsing rules, or NULL (string) */
  const char         *name;     /* column name as in the header */
} CColRef;

typedef struct _CCond CCond;
struct _CCond
{
  MapCondKind  kind;
  const MapCond *src;
  CCond      **children;
  guint        n_children;
  CColRef      col;
  CsConceptMap *map;        /* mapped */
  struct _CNode *made;      /* made: a $refAll of the resource, counted, not written */
  struct _TNode *made_src;  /* its source (owned) */
};

typedef enum
{
  CN_CONST,
  CN_OBJECT,
  CN_ARRAY,
  CN_COLUMN,
  CN_INTERP,
  CN_MAP,
  CN_REF,
  CN_REF_ALL,
  CN_FEATURE,
  CN_PER_FEATURE,   /* a subtree that depends on the feature column only: rendered once per column */
} CNodeKind;

typedef struct
{
  gboolean     is_column;
  gboolean     is_feature;
  const char  *text;        /* literal (from the TNode) */
  CColRef      col;
  FeatureAttr  feature;
} CPart;

typedef struct _CNode CNode;
struct _CNode
{
  CNodeKind     kind;
  const TNode  *src;          /* for its mapping path and options */
  char         *fhir_path;    /* "Observation.valueQuantity.value" (no indices) */
  char         *key_json;     /* member of an object: "\"key\":" */
  gsize         key_json_len;
  const char   *key;          /* member name */
  GString      *json;         /* CONST: the serialised value */
  CNode       **children;     /* OBJECT members, ARRAY items */
  guint         n_children;
  CCond        *when;         /* OBJECT */
  CColRef       col;          /* COLUMN, MAP */
  CPart        *parts;        /* INTERP */
  guint         n_parts;
  OutKind       out;          /* COLUMN, INTERP (string), MAP (shape), FEATURE */
  CsConceptMap *map;          /* MAP */
  int           unmapped;     /* MAP: CsUnmappedPolicy */
  guint         target;       /* REF, REF_ALL: resource index */
  int           lookup;       /* REF: -1 same row; else lookup index */
  GArray       *lookups;      /* REF_ALL: int per (target input): -1 same row, else lookup */
  GArray       *target_inputs;/* REF_ALL: guint input per entry of lookups */
  gboolean      spread;       /* REF_ALL, MAP codings: items go into the enclosing array */
  guint         n_items;      /* CONST inside an array: how many items it holds */
  guint         ref_slot;     /* REF: its entry in the per-row cache of rendered references */
  /* the FHIR element a value is for: its values are checked as written */
  CsFhirPrimitive       primitive;   /* NONE: not checked */
  const CsFhirElement  *element;
  gboolean              ucum;        /* a UCUM unit: part of the resource's shape */
  GPtrArray    *per_feature;  /* PER_FEATURE: GString* per feature column (NULL: left out);
                               * children[0] is the subtree, evaluated instead when tracing */
};

/* A feature column of a wide-to-long template, with everything that does
 * not change from row to row prepared once. */
typedef struct
{
  guint   column;
  const MapColumnDef *def;          /* the column's parsing rules, or NULL */
  char   *attrs[N_FEATURE_ATTRS];   /* the text of each attribute, NULL = none (FEATURE_VALUE unused) */
  char   *json[N_FEATURE_ATTRS];    /* the same as JSON string literals */
  gsize   json_len[N_FEATURE_ATTRS];
  char    suffix[14];               /* id suffix */
} CFeature;

/* A wide-to-long template flattened: per feature column, the bytes of its
 * members (after the id) with the dynamic leaves between them. Made only
 * when every leaf is either written or fails the resource (a feature's
 * value, a required reference or column), so that the structure around
 * them is known for each column in advance; the evaluator then writes a
 * resource with a copy per literal run instead of a walk of the tree. */
typedef struct
{
  guint          n_dyn;
  const CNode  **dyn;        /* the leaves, in the order of the tree */
  char         **lits;       /* per feature: the literal runs, one after another */
  guint         *lit_lens;   /* per feature: n_dyn + 1 lengths */
} CStencil;

typedef struct
{
  guint            index;        /* in program->templates */
  guint            resource;     /* index in mapping->resources */
  guint            input;        /* driving input */
  MapResourceDef  *def;
  CNode           *root;
  CCond           *when;
  CColRef         *key_cols;     /* the resource's own "key", or NULL */
  guint            n_key_cols;
  CNode           *id;           /* explicit id template (INTERP/COLUMN), or NULL */
  CFeature        *features;     /* wide: matched columns */
  guint            n_features;
  guint            slot;         /* first bit of this template in the input's per-row bitset */
  char            *type_json;    /* "{\"resourceType\":\"Observation\",\"id\":\"" */
  gsize            type_json_len;
  char            *ref_json;     /* "{\"reference\":\"Observation/" */
  gsize            ref_json_len;
  CStencil        *stencil;      /* wide templates whose leaves allow it, else NULL */
} CTemplate;

typedef struct
{
  guint      n_columns;
  char     **header;           /* owned copy */
  char      *name;             /* file name for messages */
  GArray    *key_columns;      /* guint */
  GPtrArray *templates;        /* CTemplate* driven by this input (not owned) */
  guint      n_slots;          /* bits per row: 1 per template, 1 per feature column of wide ones */
  gboolean   indexed;          /* looked up by other inputs: held in memory */
  gboolean   absent;           /* an optional input no table was given for */
  GArray    *reverse_joins;    /* guint: joins of this input used in reverse steps (need an index) */
} CInput;

struct _CsMappingProgram
{
  gatomicrefcount ref;
  CsMapping      *mapping;
  CInput         *inputs;       /* one per mapping input */
  guint           n_inputs;
  GPtrArray      *templates;    /* CTemplate*, resource order then input order */
  GPtrArray      *lookups;      /* CLookup* */
  guint           n_ref_slots;  /* CN_REF nodes */
  GPtrArray      *notes;        /* char*, NULL-terminated */
};

/* cs-mapping-eval.c: renders a subtree that depends only on the feature
 * column (no cells, no references) for one column; FALSE when it is left
 * out for that column. */
gboolean   map_eval_render_per_feature (const CTemplate *tmpl,
                                        const CNode     *node,
                                        guint            feature,
                                        GString         *out,
                                        GString         *error);

CTemplate *map_program_find_template (CsMappingProgram *program,
                                      guint             resource,
                                      guint             input);

G_END_DECLS
