/* cs-filter-private.h: the filter's syntax tree and printer, for the cohort area
 *
 * The parser (cs-filter.c) builds this tree; the filter state
 * (cs-filter-state.c) reads it to split a filter into the sidebar's
 * clauses and prints clauses with the same printer, so the filter language
 * has one lexer, one parser and one printer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-filter.h"
#include "cs-variable.h"

G_BEGIN_DECLS

typedef enum
{
  CS_FILTER_NODE_OR,
  CS_FILTER_NODE_AND,
  CS_FILTER_NODE_NOT,
  CS_FILTER_NODE_CMP,
  CS_FILTER_NODE_IN,
  CS_FILTER_NODE_MISSING,
} CsFilterNodeKind;

typedef enum
{
  CS_FILTER_OP_EQ,
  CS_FILTER_OP_NE,
  CS_FILTER_OP_LT,
  CS_FILTER_OP_LE,
  CS_FILTER_OP_GT,
  CS_FILTER_OP_GE,
} CsFilterOp;

typedef enum
{
  CS_FILTER_LITERAL_NUMBER,
  CS_FILTER_LITERAL_STRING,
  CS_FILTER_LITERAL_BOOLEAN,
} CsFilterLiteralKind;

typedef struct
{
  CsFilterLiteralKind  kind;
  guint                column;
  gsize                pos;        /* its bytes in the text, as written */
  gsize                len;
  double               number;
  gboolean             boolean;
  char                *string;     /* unescaped */
} CsFilterLiteral;

typedef struct _CsFilterNode CsFilterNode;

struct _CsFilterNode
{
  CsFilterNodeKind  kind;
  guint             column;     /* 1-based column of the first token (for messages) */
  gsize             start;      /* its bytes in the text: [start, end), with the */
  gsize             end;        /* parentheses around it when it has them */
  gboolean          parens;     /* written in parentheses */
  GPtrArray        *children;   /* OR, AND, NOT: CsFilterNode* */
  char             *key;        /* predicates, unescaped */
  CsFilterOp        op;         /* CS_FILTER_NODE_CMP */
  gboolean          negated;    /* CS_FILTER_NODE_MISSING: "is not missing" */
  GArray           *literals;   /* CMP (one), IN (one or more): CsFilterLiteral */
  guint             pred_index; /* predicates: index into the compiled predicates */
};

/* cs-filter.c parses, cs-filter-eval.c evaluates */
struct _CsFilter
{
  CsFilterNode *root;
  GPtrArray    *variables;  /* char*, distinct keys in order of appearance */
  guint         n_preds;
};

const CsFilterNode *_cs_filter_get_root     (const CsFilter *self);
/* "=", "!=", "<", … */
const char         *_cs_filter_op_name      (CsFilterOp      op);

/* The printer: a key bare when it can be, else in backquotes; a string in
 * double quotes; both with \ before the quote and \ */
void                _cs_filter_append_key    (GString        *out,
                                              const char     *key);
void                _cs_filter_append_string (GString        *out,
                                              const char     *text);
/* A number in its shortest round-trip form, true or false, a string quoted */
void                _cs_filter_append_literal (GString               *out,
                                               const CsFilterLiteral *lit);

/* The evaluator's reading of a literal, shared with the filter state so
 * that the sidebar shows what the filter selects: whether lit selects a
 * categorical level (its code, or its display ignoring case; a number in
 * its shortest form), and the value (0 or 1) it compares a boolean with
 * (true/false, 1/0, "true"/"false" in any case; FALSE for anything else). */
gboolean            _cs_filter_literal_matches_level (const CsFilterLiteral *lit,
                                                      const CsLevel         *level);
gboolean            _cs_filter_literal_boolean       (const CsFilterLiteral *lit,
                                                      double                *value);

G_END_DECLS
