/* cs-mapping-runtime.h: the state of a run, shared by the runner
 * (cs-mapping-run.c: inputs, tables in memory, phases) and the evaluator
 * (cs-mapping-eval.c: one row → resources, problems, provenance)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-big-mem.h"
#include "cs-fhir-validate.h"
#include "cs-mapping-program.h"

G_BEGIN_DECLS

/* A row of an input: a record being streamed, or a row of a held table read
 * again from its file for the row being evaluated. */
typedef struct
{
  guint64       row;
  guint64       line;
  guint         index;     /* position in its MapTable, or G_MAXUINT when streamed */
  guint         n_fields;
  const char  **fields;
  const gsize  *lengths;
} MapRow;

/* 64-bit fingerprints → a 64-bit value: open addressing, linear probing, at
 * most three quarters full, no allocation per entry (cs-mapping-run.c). */
typedef struct
{
  guint64 fp;              /* 0: empty (a fingerprint 0 is stored as 1) */
  guint64 value;
} FpSlot;

typedef struct
{
  CsBigArray *slots;       /* FpSlot */
  gsize     mask;          /* capacity - 1; the capacity is a power of two */
  gsize     count;
  CsBigMem *mem;           /* where slots live: CsMappingRun.mem */
} FpTable;

/* The rows of a held table by fingerprint, in row order: a slot's value is
 * first | last << 32; each row's record holds the following row with the
 * fingerprint at next_at. */
typedef struct
{
  FpTable     table;
  guint       next_at;     /* in MapTable's row records */
} FpChains;

#define MAP_NO_ROW G_MAXUINT32

/* An input other inputs look rows up in ("held"). Its rows stay in the file:
 * per row only a record of where it starts, its line, and what it makes;
 * keys and reverse joins are indexed by fingerprint, and a row found is read
 * again (cs_csv_reader_read_record_at) and its real key compared.
 *
 * A row's record (in `records`, a page holding whole records): */
#define ROW_OFFSET    0        /* goffset: where its record starts in the text */
#define ROW_LINE      8        /* guint64: the line it starts on */
#define ROW_NEXT_KEY  16       /* guint32: the next row in its by_key chain */
#define ROW_REJECTED  20       /* guint8: 1 when the row is rejected */
#define ROW_JOINS     24       /* guint32 each: the next row in each reverse join's chain;
                                * then bytes_per_row bytes of which resources it makes */
typedef struct
{
  CsCsvReader  *reader;      /* run->readers[input] */
  guint         n_rows;
  guint         n_alloc;
  CsBigArray   *records;
  gsize         record_size; /* a multiple of 8; of 4096 when over a page */
  guint         per_page;    /* records in a page; 0: a record takes whole pages */
  guint         produced_at; /* in a record */
  FpChains      by_key;      /* fingerprint of the key → rows (one per distinct key) */
  FpChains     *by_join;     /* per join of the input used in reverse (else empty) */
  guint       **join_cols;   /* per join used in reverse: its columns in this input */
  guint        *join_n_cols;
  guint         bytes_per_row;
  GHashTable   *read;        /* index + 1 → MapRow* read for the row being evaluated */
} MapTable;

/* Where rows read again live until the next top-level row starts. */
typedef struct
{
  GPtrArray *blocks;         /* char* */
  char      *cur;
  gsize      left;
  gsize      first_size;     /* of blocks[0], kept across resets */
} RowArena;

/* A problem found while evaluating a row, kept until the row is done. */
typedef struct
{
  CsMappingSeverity severity;
  guint             input;
  guint64           row;
  guint64           line;
  int               column;     /* -1: none */
  char             *value;
  const char       *resource;
  char             *element;
  char             *message;
} MapProblem;

/* A resource made from the row being evaluated. */
typedef struct
{
  const CTemplate *tmpl;
  int              feature;     /* index in tmpl->features, or -1 */
  gsize            offset;      /* in RowState.out */
  gsize            length;
  char             id[68];
  gsize            id_len;
  guint            elem_start;  /* trace: range in RowState.elems */
  guint            elem_end;
} RowResource;

typedef struct
{
  guint  path_offset;           /* in RowState.paths (NUL-terminated there) */
  guint  cell_start;            /* in RowState.cells */
  guint  n_cells;
} TraceElem;

/* Cached parse of one cell. */
typedef struct
{
  guint32 gen;
  guint8  state;                /* CELL_MISSING, CELL_OK, CELL_BAD */
  guint8  reported;
  guint32 offset;               /* normalised text in CellCache.scratch */
  guint32 length;
  gboolean boolean;
} CellEntry;

enum { CELL_MISSING, CELL_OK, CELL_BAD };

typedef struct
{
  CellEntry      *entries;      /* n_columns */
  guint           n_columns;
  guint32         gen;
  const MapRow   *owner;        /* the row the entries belong to */
  GString        *scratch;
} CellCache;

typedef struct
{
  gboolean   done;
  GPtrArray *rows;              /* const MapRow* */
} LookupResult;

typedef enum { KNOW_UNKNOWN, KNOW_YES, KNOW_NO, KNOW_FAILED } Knowledge;

/* What a template made from the row being evaluated (RowState.produced) */
enum { MADE_NOT, MADE_YES, MADE_FAILED };

typedef struct
{
  const CTemplate *tmpl;
  const MapRow    *row;
  char             id[68];
  gsize            length;       /* 0: the resource has no id (reported) */
} IdCacheEntry;

typedef struct
{
  guint           input;
  const MapRow   *row;
  GString        *out;           /* JSON of all resources of the row */
  GArray         *resources;     /* RowResource */
  GArray         *problems;      /* MapProblem */
  gboolean        has_error;
  LookupResult   *lookups;       /* per program lookup */
  guint           n_lookups;
  guint8         *knowledge;     /* per slot of the input: Knowledge */
  guint8         *produced;      /* per slot: MADE_* in this round */
  gboolean        wrong_guess;   /* a same-row reference guessed "made" for a resource that was not */
  GArray         *id_cache;      /* IdCacheEntry */
  char           *key_text;      /* the row's key, or NULL */
  /* references rendered in this round (the subject of every feature of a
   * row is the same): per CN_REF slot, valid when ref_stamp == stamp */
  GString       **ref_cache;
  guint32        *ref_stamp;
  guint32         stamp;
  guint           n_ref_slots;
  /* per input and slot: the last shape that passed the validator, + 1 (0: none),
   * so that most resources need no look-up in CsMappingRun.validated */
  guint64       **valid_shapes;
  guint           n_inputs;
  /* trace */
  GString        *paths;
  GArray         *elems;         /* TraceElem */
  GArray         *cells;         /* CsMappingCell */
} RowState;

struct _CsMappingRun
{
  CsMappingProgram   *program;
  CsMapping          *mapping;
  CsMappingRunFlags   flags;
  guint64             limit;
  CsCsvReader       **readers;    /* per input, owned */
  MapTable          **tables;     /* per input: NULL unless indexed */
  CellCache          *caches;     /* per input */
  RowState            rs;
  RowArena            arena;
  GError             *read_error; /* a held row could not be read again: the run fails */
  CsBigMem           *mem;        /* the arrays that grow with the rows: tables' indexes, keys seen */
  guint64           (*fingerprint) (const char *key);
  gboolean            page_records; /* tests: a held row's record takes whole pages */
  gboolean            prepared;
  GHashTable         *shared_ids; /* Type/id of resources with their own key → content checksum */
  GHashTable         *validated;  /* guint64 shapes (with the template) that passed the validator */
  GHashTable         *type_counts;  /* built from template_counts when asked */
  guint64            *template_counts; /* resources per program template */
  CsMappingStats      stats;
  /* progress */
  const CsMappingSink *sink;
  gpointer            sink_data;
  gint64              last_progress;
  CsMappingProgress   progress;
};

/* cs-mapping-eval.c */
void      map_row_state_init    (CsMappingRun   *run,
                                 RowState       *rs);
void      map_row_state_clear   (RowState       *rs);
/* Evaluates every template the row's input drives, repeating until the
 * guesses about same-row references hold; leaves the result in run->rs. */
void      map_eval_row          (CsMappingRun   *run,
                                 guint           input,
                                 const MapRow   *row);
/* The values of the columns cols of row, trimmed and joined by U+001F, or
 * NULL when one is empty (a key, or the columns of a join). */
char     *map_row_values_text   (const MapRow     *row,
                                 const guint      *cols,
                                 guint             n_cols);
/* The key text of a row of input (map_row_values_text of its key columns). */
char     *map_row_key           (CsMappingProgram *program,
                                 guint             input,
                                 const MapRow     *row);
void      map_problem_clear     (MapProblem     *problem);

/* cs-mapping-run.c */
/* Rows of input that the lookup finds from row (cached per evaluated row). */
GPtrArray *map_run_lookup       (CsMappingRun   *run,
                                 int             lookup,
                                 const MapRow   *row);
/* Whether slot of a row of a held table is made (rows being streamed: TRUE). */
gboolean  map_run_row_produces  (CsMappingRun   *run,
                                 guint           input,
                                 const MapRow   *row,
                                 guint           slot);

/* Tests: replaces the 64-bit fingerprint of keys (e.g. by one that collides). */
void      _cs_mapping_run_set_fingerprint_func (CsMappingRun *run,
                                                guint64     (*func) (const char *key));

/* Tests: the pool of the arrays that grow with the rows. */
CsBigMem *_cs_mapping_run_get_memory (CsMappingRun *run);
/* Tests: lays held rows' records out as when they are longer than a page
 * (the record of a row of 33,000 resources). */
void      _cs_mapping_run_set_page_records (CsMappingRun *run,
                                            gboolean      page_records);

G_END_DECLS
