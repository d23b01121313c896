/* cs-store-private.h: internals shared by the store's source files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-date.h"
#include "cs-store.h"

G_BEGIN_DECLS

void      cs_level_free        (gpointer    level);
/* The rank of a level that reads as a TNM category or stage group (by code,
 * else display; bare 1–4 count as stage groups), NAN when it does not or
 * is unknown (TX). See cs_variable_get_ordinal_ranks(). */
double    cs_level_stage_rank  (const CsLevel *level);

typedef enum
{
  CS_FACT_NUMERIC,
  CS_FACT_DATE,
  CS_FACT_BOOLEAN,
  CS_FACT_CATEGORICAL,
  CS_FACT_N_KINDS,
  /* values that give nothing, counted in a warning when their patient is loaded */
  CS_FACT_UNSUPPORTED = CS_FACT_N_KINDS + 1,  /* valueRatio, valueRange … */
  CS_FACT_NO_TIME_UNIT,                       /* survival_time without a time unit */
} CsFactKind;

/* The code.text and display an Observation gave its code (interned; NULL
 * when absent): the votes for a variable's key and label; and its method
 * (Observation.method: the display of its first coding, else its text,
 * else that coding's code; interned, NULL when absent), which tells apart
 * values of one code measured in different ways (cs-store-split.c). */
typedef struct
{
  const char *text;
  const char *display;
  const char *method;
} CsHint;

#define CS_HINT_NONE G_MAXUINT16

#define CS_LESION_NONE 0u
#define CS_LESION_SELF G_MAXUINT32   /* the Observation itself (component form) */

/* One value of one concept, from one resource. */
typedef struct
{
  guint32     resource;
  guint32     concept;
  guint32     lesion;     /* CS_LESION_NONE, an interned focus (1…), or resolved at finish */
  guint8      kind;       /* CsFactKind */
  guint16     hint;       /* index into the concept's hints, or CS_HINT_NONE */
  gint32      level;      /* CATEGORICAL: index into the concept's levels (insertion order) */
  union {
    const char *unit;     /* NUMERIC: interned unit, "" for none */
    const char *display;  /* CATEGORICAL: interned display of the level as given here, or NULL */
  };
  double      value;      /* NUMERIC, DATE (days), BOOLEAN (0/1) */
  double      time;       /* effective time in days, NAN when none */
} CsFact;

/* A variable candidate: one code (or several merged under a well-known key).
 * At finish, the values of a concept that do not fit its main variable
 * (another type, a unit that does not convert) move to child concepts:
 * variables of their own, keyed after their parent. */
typedef struct _CsConcept CsConcept;
struct _CsConcept
{
  char        *id;          /* "system|code", "text|TEXT", "wk:KEY", "cond|system|code"; children add "#SUFFIX" */
  const char  *wk_key;      /* well-known key or NULL (static string) */
  char        *key_hint;    /* text to derive the key from (voted at finish) */
  char        *label;       /* (voted at finish) */
  GArray      *hints;       /* CsHint: the distinct text/display pairs seen */
  GHashTable  *hint_index;  /* CsHint* → index + 1 of the hints beyond the first few */
  guint16      last_hint;
  const char  *first_method; /* the first method its hints name (interned), NULL */
  CsConcept   *parent;      /* children: the concept they were split from */
  char        *key_suffix;  /* children: appended to the parent's key */
  const char  *group;       /* static string */
  GPtrArray   *codes;       /* char* "system|code" */
  GHashTable  *code_set;    /* borrowed keys of codes */
  GPtrArray   *levels;      /* CsLevel*, insertion order */
  GHashTable  *level_index; /* code (owned by level) -> index + 1 */
  GHashTable  *units;       /* interned unit -> count */
  guint        n_kind[CS_FACT_N_KINDS]; /* at finish: values of loaded patients */
  guint        n_unsupported;
  guint        n_bad_unit;
  guint        index;       /* in CsStore.concepts */
  GArray      *facts;       /* guint32 fact indices, built at finish */
  int          fixed_type;  /* CsFactKind or -1: chosen from the values */
  const char  *unit;        /* chosen unit (numeric), interned */
  CsVariable  *variable;    /* built variable or NULL, owned by the store */
  guint        always : 1;  /* keep even without values */
  guint        is_volume : 1;
  guint        is_survival_time : 1;
  guint        is_condition : 1;
  guint        is_radiomics : 1;
  guint        is_staging : 1;  /* ties on the same date: the more advanced category */
  guint        by_method : 1;   /* a child split off by Observation.method */
  guint        many_methods : 1; /* its hints name two or more methods: worth a split_by_method() */
};

typedef struct
{
  const char *id;
  const char *full_url;
  guint32     resource;
  const char *gender;        /* code or NULL */
  double      birth_date;    /* NAN */
  double      death_date;    /* NAN */
  gint8       deceased;      /* -1 absent, 0, 1 */
} CsPatientRow;

typedef struct
{
  const char *type;          /* interned */
  const char *id;
  const char *full_url;
  const char *patient_ref;
  guint32     source;
  gint32      row;           /* resolved at finish, -1 */
  guint64     offset;
  gsize       length;
  double      event_date;    /* latest clinical event date (follow-up), NAN */
} CsResource;

typedef struct
{
  guint32     resource;
  guint32     concept;       /* the condition.<code> concept */
  const char *system;
  const char *code;
  const char *display;
  gboolean    is_cancer;
  gboolean    is_diagnosis;  /* may be the primary diagnosis: confirmed, not a finding … */
  gboolean    is_active;     /* clinicalStatus active, recurrence, relapse; or none and not abated */
  double      onset_date;    /* NAN */
  gboolean    onset_is_period; /* onset_date is onsetPeriod.start, not onsetDateTime */
  double      onset_age;     /* years, NAN */
  double      recorded_date; /* NAN */
} CsConditionFact;

typedef struct
{
  guint32     resource;
  const char *uid;
} CsStudyUid;

typedef struct
{
  guint32     parent;        /* resource index of the group Observation */
  const char *member_ref;
} CsMemberLink;

typedef struct
{
  char       *path;
  gboolean    is_file;
} CsSource;

/* Entries of well_known[] in cs-store.c (checked there) */
#define CS_N_WELL_KNOWN 20

/* The JSON of resources not from local files (a server's answers) is
 * written to an unlinked file under the user cache folder, not kept in
 * memory: a big server cohort is mostly JSON, and the table needs none of it
 * until a resource is opened (cs-store-spill.c). Such a resource's offset is
 * its position in that file. If the file cannot be made or written (a full
 * disk), the JSON stays in memory from then on, in segments that never move:
 * an offset with CS_BLOB_IN_MEMORY set is the segment index <<
 * CS_BLOB_SHIFT | the position in the segment. */
#define CS_BLOB_IN_MEMORY (G_GUINT64_CONSTANT (1) << 63)
#define CS_BLOB_SHIFT     40
#define CS_SPILL_BUFFER   (1024 * 1024)
typedef struct
{
  char       *data;
  gsize       len;
  gsize       size;
} CsBlobSegment;

typedef struct
{
  int         fd;            /* -1: not opened yet, or failed */
  gboolean    failed;        /* no file, or a write failed: memory from now on */
  char       *buf;           /* bytes at buf_start… not written yet */
  gsize       used;
  guint64     buf_start;     /* file position of buf[0] */
  GArray     *segments;      /* CsBlobSegment, after a failure */
} CsSpill;

/* Test hook: use fd (owned by the store from now on) as the spill file, or
 * none at all with -1 (everything in memory). Before the first resource. */
void     _cs_store_set_spill_fd   (CsStore    *self,
                                   int         fd);
/* Test hook: the load date that follow-up never passes (days since
 * 1970-01-01); by default the time cs_store_finish() runs. */
void     _cs_store_set_load_time  (CsStore    *self,
                                   double      days);
/* Test hook: bytes of JSON in the spill file and in memory. */
void     _cs_store_get_spill_size (CsStore    *self,
                                   guint64    *in_file,
                                   guint64    *in_memory);

struct _CsStore
{
  GObject       parent_instance;

  GStringChunk *strings;
  GHashTable   *types;         /* interned type -> count (GUINT_TO_POINTER) */
  GArray       *resources;     /* CsResource */
  GPtrArray    *sources;       /* CsSource* */
  GHashTable   *source_index;  /* path -> index + 1 */
  CsSpill       spill;         /* JSON of resources not from local files */
  guint32       last_source;
  const char   *recent[16];    /* interned strings, by their first two bytes */
  CsConcept    *wk_concepts[CS_N_WELL_KNOWN]; /* by well_known[] index, once its code was added */

  GArray       *patient_res;   /* CsPatientRow per Patient resource, input order */
  GArray       *facts;         /* CsFact */
  GPtrArray    *concepts;      /* CsConcept* */
  GHashTable   *concept_index; /* id -> index + 1 */
  GArray       *conditions;    /* CsConditionFact */
  GArray       *study_uids;    /* CsStudyUid */
  GArray       *members;       /* CsMemberLink */
  GHashTable   *lesions;       /* focus ref -> id (1…) */
  GPtrArray    *warnings;      /* char* */
  GArray       *warning_kinds; /* CsStoreWarningKind per warning */
  guint         n_skipped_status;
  guint         n_unresolved;

  /* after finish */
  gboolean      finished;
  GArray       *rows;          /* CsPatientRow */
  GHashTable   *row_index;     /* patient id -> row + 1 */
  GPtrArray    *row_resources; /* GArray* of guint per row */
  GPtrArray    *row_uids;      /* GPtrArray* of char* per row */
  gint32       *primary;       /* per row: index into conditions of the primary diagnosis, -1 */
  GPtrArray    *variables;     /* CsVariable*, ordered */
  GHashTable   *var_index;     /* key -> CsVariable* */
  GPtrArray    *type_names;    /* sorted char* */
  CsRollup      rollup;
  double        load_time;     /* days; NAN: the time of cs_store_finish() */
};

CsConcept *cs_store_intern_concept (CsStore    *self,
                                    const char *id,
                                    const char *group);
/* The concept of a well-known variable by key (a static string): its id
 * is "wk:<key>", its label the translation of label (marked with N_()). */
CsConcept *cs_store_well_known_concept (CsStore    *self,
                                        const char *key,
                                        const char *label,
                                        const char *group);
int        cs_concept_intern_level (CsConcept  *concept,
                                    const char *code,
                                    const char *display,
                                    const char *system);
/* Keys no derived variable may take: the well-known and built-in ones. */
gboolean   cs_store_key_is_reserved (const char *key);
void       cs_store_add_warning    (CsStore            *self,
                                    CsStoreWarningKind  kind,
                                    const char         *format,
                                    ...) G_GNUC_PRINTF (3, 4);
void       cs_store_build          (CsStore    *self);

/* cs-store-build.c: 1 when a vital_status level reads dead, 0 alive, -1 neither (or NULL) */
gint8      cs_store_vital_status_event (const CsLevel *level);

/* cs-store-keys.c */
void         cs_store_vote_names          (CsStore    *self,
                                           CsConcept  *concept);
/* The voted display per level of the concept (NULL: none given), to g_free */
const char **cs_store_vote_level_displays (CsStore    *self,
                                           CsConcept  *concept);
/* Lower case, runs of characters other than a-z, 0-9 one "_", none at either end */
char        *cs_store_slug                (const char *text);
/* Sets the key of every built concept's variable (built is reordered) */
void         cs_store_assign_keys         (CsStore    *self,
                                           GPtrArray  *built);

/* cs-store-split.c */
void         cs_store_split_concept       (CsStore    *self,
                                           CsConcept  *concept);
void         cs_store_warn_split          (CsStore    *self,
                                           CsConcept  *child);
void       cs_store_apply_rollup   (CsStore    *self);

/* cs-store-spill.c */
void       cs_spill_init           (CsSpill    *spill);
void       cs_spill_clear          (CsSpill    *spill);
guint64    cs_spill_append         (CsSpill    *spill,
                                    const char *bytes,
                                    gsize       len);
void       cs_spill_flush          (CsSpill    *spill);
char      *cs_spill_read           (CsSpill    *spill,
                                    guint64     offset,
                                    gsize       len,
                                    GError    **error);

G_END_DECLS
