/* cs-filter.c: cohort filter expressions — lexer, parser, printer, evaluator
 *
 * The parser builds a small tree: AND and OR nodes are n-ary (a chain
 * "a and b and c" is one node), NOT has one child, and the leaves are
 * predicates. Evaluation is column-wise: every node yields a pair of bitsets
 * (true rows, unknown rows; false = neither), so NOT/AND/OR are word-wise
 * Kleene operations and each predicate is one branch-free pass over its column.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-filter.h"

#define MAX_DEPTH 200

G_DEFINE_QUARK (cs-filter-error-quark, cs_filter_error)

typedef enum
{
  NODE_OR,
  NODE_AND,
  NODE_NOT,
  NODE_CMP,
  NODE_IN,
  NODE_MISSING,
} NodeKind;

typedef enum
{
  OP_EQ,
  OP_NE,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
} CmpOp;

typedef enum
{
  LIT_NUMBER,
  LIT_STRING,
  LIT_BOOLEAN,
} LitKind;

typedef struct
{
  LitKind  kind;
  guint    column;
  double   number;
  gboolean boolean;
  char    *string;
} Literal;

typedef struct _Node Node;

struct _Node
{
  NodeKind   kind;
  guint      column;     /* 1-based column of the first token (for messages) */
  GPtrArray *children;   /* OR, AND, NOT: Node* */
  char      *key;        /* predicates */
  CmpOp      op;         /* NODE_CMP */
  gboolean   negated;    /* NODE_MISSING: "is not missing" */
  GArray    *literals;   /* NODE_CMP (one), NODE_IN (one or more): Literal */
  guint      pred_index; /* predicates: index into the compiled predicates */
};

struct _CsFilter
{
  Node      *root;
  GPtrArray *variables;  /* char*, distinct keys in order of appearance */
  guint      n_preds;
};

static const char *op_names[] = { "=", "!=", "<", "<=", ">", ">=" };

static const char *keywords[] = { "and", "or", "not", "in", "is", "missing", "true", "false" };

/* ------------------------------------------------------------------------ */
/* Tree */

static void
literal_clear (gpointer data)
{
  Literal *lit = data;

  g_clear_pointer (&lit->string, g_free);
}

static void node_free (Node *node);

static Node *
node_new (NodeKind kind,
          guint    column)
{
  Node *node = g_new0 (Node, 1);

  node->kind = kind;
  node->column = column;
  if (kind == NODE_OR || kind == NODE_AND || kind == NODE_NOT)
    node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  if (kind == NODE_CMP || kind == NODE_IN)
    {
      node->literals = g_array_new (FALSE, TRUE, sizeof (Literal));
      g_array_set_clear_func (node->literals, literal_clear);
    }

  return node;
}

static void
node_free (Node *node)
{
  if (node == NULL)
    return;

  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->literals, g_array_unref);
  g_free (node->key);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

static gboolean
literal_equal (const Literal *a,
               const Literal *b)
{
  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case LIT_NUMBER:
      return a->number == b->number;
    case LIT_BOOLEAN:
      return !a->boolean == !b->boolean;
    case LIT_STRING:
      return g_strcmp0 (a->string, b->string) == 0;
    default:
      return FALSE;
    }
}

static gboolean
node_equal (const Node *a,
            const Node *b)
{
  if (a->kind != b->kind)
    return FALSE;

  if (a->children != NULL)
    {
      if (a->children->len != b->children->len)
        return FALSE;
      for (guint i = 0; i < a->children->len; i++)
        if (!node_equal (g_ptr_array_index (a->children, i), g_ptr_array_index (b->children, i)))
          return FALSE;
      return TRUE;
    }

  if (g_strcmp0 (a->key, b->key) != 0)
    return FALSE;
  if (a->kind == NODE_CMP && a->op != b->op)
    return FALSE;
  if (a->kind == NODE_MISSING)
    return !a->negated == !b->negated;

  if (a->literals->len != b->literals->len)
    return FALSE;
  for (guint i = 0; i < a->literals->len; i++)
    if (!literal_equal (&g_array_index (a->literals, Literal, i), &g_array_index (b->literals, Literal, i)))
      return FALSE;

  return TRUE;
}

static void
node_number_predicates (Node      *node,
                        guint     *counter,
                        GPtrArray *variables)
{
  if (node->children != NULL)
    {
      for (guint i = 0; i < node->children->len; i++)
        node_number_predicates (g_ptr_array_index (node->children, i), counter, variables);
      return;
    }

  node->pred_index = (*counter)++;
  if (!g_ptr_array_find_with_equal_func (variables, node->key, g_str_equal, NULL))
    g_ptr_array_add (variables, node->key);
}

/* ------------------------------------------------------------------------ */
/* Lexer */

typedef enum
{
  TOK_EOF,
  TOK_WORD,      /* bare key or keyword */
  TOK_QKEY,      /* `quoted key` */
  TOK_NUMBER,
  TOK_STRING,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_COMMA,
  TOK_OP,
} TokKind;

typedef struct
{
  TokKind  kind;
  gsize    pos;      /* byte offset in the text */
  gsize    len;      /* bytes in the text */
  guint    column;   /* 1-based character column */
  char    *value;    /* WORD, QKEY, STRING: unescaped text */
  double   number;
  CmpOp    op;
} Token;

static void
token_clear (gpointer data)
{
  Token *tok = data;

  g_clear_pointer (&tok->value, g_free);
}

static guint
column_at (const char *text,
           gsize       pos)
{
  return (guint) g_utf8_strlen (text, (gssize) pos) + 1;
}

static gboolean
is_word_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.';
}

static gboolean
is_keyword (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (g_ascii_strcasecmp (word, keywords[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
token_is_keyword (const Token *tok,
                  const char  *keyword)
{
  return tok->kind == TOK_WORD && g_ascii_strcasecmp (tok->value, keyword) == 0;
}

/* A quoted key or string starting at text[pos] == quote; escapes \quote and \\ */
static gboolean
lex_quoted (const char  *text,
            gsize       *pos,
            char         quote,
            char       **value,
            GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize start = *pos;
  gsize i = start + 1;

  for (;;)
    {
      char c = text[i];

      if (c == '\0')
        {
          g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                       quote == '"' ? _("column %u: the string that starts here is not closed with \"")
                                    : _("column %u: the name that starts here is not closed with `"),
                       column_at (text, start));
          *pos = start;
          return FALSE;
        }
      if (c == quote)
        break;
      if (c == '\\')
        {
          char next = text[i + 1];

          if (next == quote || next == '\\')
            {
              g_string_append_c (out, next);
              i += 2;
              continue;
            }
          g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                       _("column %u: unknown escape after “\\” (only \\%c and \\\\ are allowed)"),
                       column_at (text, i), quote);
          *pos = i;
          return FALSE;
        }
      g_string_append_c (out, c);
      i++;
    }

  *pos = i + 1;
  *value = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

static gboolean
lex_number (const char  *text,
            gsize       *pos,
            double      *number,
            GError     **error)
{
  gsize start = *pos;
  gsize i = start;
  gboolean digits = FALSE;
  gboolean nonzero = FALSE;   /* a digit before the exponent is not 0 */
  g_autofree char *copy = NULL;
  char *end = NULL;

  if (text[i] == '-' || text[i] == '+')
    i++;
  for (; g_ascii_isdigit (text[i]); i++)
    {
      digits = TRUE;
      nonzero |= text[i] != '0';
    }
  if (text[i] == '.')
    {
      for (i++; g_ascii_isdigit (text[i]); i++)
        {
          digits = TRUE;
          nonzero |= text[i] != '0';
        }
    }
  if (digits && (text[i] == 'e' || text[i] == 'E'))
    {
      gsize j = i + 1;

      if (text[j] == '-' || text[j] == '+')
        j++;
      if (g_ascii_isdigit (text[j]))
        {
          while (g_ascii_isdigit (text[j]))
            j++;
          i = j;
        }
    }

  if (!digits || is_word_char (text[i]))
    {
      gsize j = i;

      while (is_word_char (text[j]) || text[j] == '-' || text[j] == '+')
        j++;
      copy = g_strndup (text + start, j - start);
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                   _("column %u: “%s” is not a number"), column_at (text, start), copy);
      return FALSE;
    }

  copy = g_strndup (text + start, i - start);
  *number = g_ascii_strtod (copy, &end);
  if (end == NULL || *end != '\0' || !isfinite (*number))
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                   _("column %u: the number “%s” is out of range"), column_at (text, start), copy);
      return FALSE;
    }
  if (*number == 0 && nonzero)
    {
      /* below the smallest double: it would silently compare as 0 */
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                   _("column %u: the number “%s” is out of range: it is not zero but too small for a "
                     "double (about 4.9e-324) and would be read as 0"), column_at (text, start), copy);
      return FALSE;
    }

  *pos = i;
  return TRUE;
}

static GArray *
lex (const char  *text,
     guint       *error_column,
     GError     **error)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  const char *invalid = NULL;
  gsize i = 0;
  gsize cursor = 0;     /* byte offset whose column is cursor_column */
  guint cursor_column = 1;

  g_array_set_clear_func (tokens, token_clear);

  if (!g_utf8_validate (text, -1, &invalid))
    {
      guint column = column_at (text, (gsize) (invalid - text));

      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                   _("column %u: the filter is not valid UTF-8 text"), column);
      if (error_column)
        *error_column = column;
      return NULL;
    }

  for (;;)
    {
      Token tok = { 0 };
      char c;

      while (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')
        i++;

      c = text[i];
      tok.pos = i;
      cursor_column += (guint) g_utf8_strlen (text + cursor, (gssize) (i - cursor));
      cursor = i;
      tok.column = cursor_column;

      if (c == '\0')
        {
          tok.kind = TOK_EOF;
          g_array_append_val (tokens, tok);
          break;
        }
      else if (is_word_start (c))
        {
          while (is_word_char (text[i]))
            i++;
          tok.kind = TOK_WORD;
          tok.value = g_strndup (text + tok.pos, i - tok.pos);
        }
      else if (c == '`' || c == '"')
        {
          if (!lex_quoted (text, &i, c, &tok.value, error))
            {
              if (error_column)
                *error_column = column_at (text, i);
              return NULL;
            }
          tok.kind = c == '"' ? TOK_STRING : TOK_QKEY;
          if (tok.kind == TOK_QKEY && tok.value[0] == '\0')
            {
              g_free (tok.value);
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                           _("column %u: empty variable name in backquotes"), tok.column);
              if (error_column)
                *error_column = tok.column;
              return NULL;
            }
        }
      else if (g_ascii_isdigit (c) || c == '.' || c == '-' || c == '+')
        {
          if (!lex_number (text, &i, &tok.number, error))
            {
              if (error_column)
                *error_column = tok.column;
              return NULL;
            }
          tok.kind = TOK_NUMBER;
        }
      else if (c == '(' || c == ')' || c == ',')
        {
          tok.kind = c == '(' ? TOK_LPAREN : c == ')' ? TOK_RPAREN : TOK_COMMA;
          i++;
        }
      else if (c == '=' || c == '<' || c == '>' || (c == '!' && text[i + 1] == '='))
        {
          tok.kind = TOK_OP;
          if (c == '=')
            tok.op = OP_EQ, i++;
          else if (c == '!')
            tok.op = OP_NE, i += 2;
          else if (text[i + 1] == '=')
            tok.op = c == '<' ? OP_LE : OP_GE, i += 2;
          else
            tok.op = c == '<' ? OP_LT : OP_GT, i++;
        }
      else
        {
          g_autofree char *ch = g_strndup (text + i, (gsize) (g_utf8_next_char (text + i) - (text + i)));

          g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
                       _("column %u: unexpected character “%s”"), tok.column, ch);
          if (error_column)
            *error_column = tok.column;
          return NULL;
        }

      tok.len = i - tok.pos;
      g_array_append_val (tokens, tok);
    }

  return g_steal_pointer (&tokens);
}

/* ------------------------------------------------------------------------ */
/* Parser */

typedef struct
{
  const char *text;
  GArray     *tokens;
  guint       next;
  guint       depth;
  guint       error_column;
} Parser;

static const Token *
peek (Parser *p)
{
  return &g_array_index (p->tokens, Token, p->next);
}

static const Token *
advance (Parser *p)
{
  const Token *tok = peek (p);

  if (tok->kind != TOK_EOF)
    p->next++;
  return tok;
}

static char *
describe_token (Parser      *p,
                const Token *tok)
{
  g_autofree char *raw = NULL;

  if (tok->kind == TOK_EOF)
    return g_strdup (_("end of input"));

  raw = g_strndup (p->text + tok->pos, tok->len);
  if (g_utf8_strlen (raw, -1) > 24)
    {
      char *cut = g_utf8_offset_to_pointer (raw, 24);
      g_autofree char *shortened = g_strndup (raw, (gsize) (cut - raw));

      return g_strdup_printf ("“%s…”", shortened);
    }

  return g_strdup_printf ("“%s”", raw);
}

G_GNUC_PRINTF (4, 5)
static void
syntax_error (Parser      *p,
              const Token *at,
              GError     **error,
              const char  *format,
              ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  p->error_column = at->column;
  g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_SYNTAX,
               _("column %u: %s"), at->column, msg);
}

static Node *parse_or (Parser *p, GError **error);

static gboolean
parse_literal (Parser      *p,
               const Token *after,
               Literal     *lit,
               GError     **error)
{
  const Token *tok = peek (p);
  g_autofree char *after_text = g_strndup (p->text + after->pos, after->len);

  memset (lit, 0, sizeof *lit);
  lit->column = tok->column;

  switch (tok->kind)
    {
    case TOK_NUMBER:
      lit->kind = LIT_NUMBER;
      lit->number = tok->number;
      break;
    case TOK_STRING:
      lit->kind = LIT_STRING;
      lit->string = g_strdup (tok->value);
      break;
    case TOK_WORD:
      if (token_is_keyword (tok, "true") || token_is_keyword (tok, "false"))
        {
          lit->kind = LIT_BOOLEAN;
          lit->boolean = token_is_keyword (tok, "true");
          break;
        }
      syntax_error (p, tok, error,
                    _("expected a value after “%s” but found the word “%s”: put text in double quotes (\"%s\")"),
                    after_text, tok->value, tok->value);
      return FALSE;
    case TOK_EOF:
    case TOK_QKEY:
    case TOK_LPAREN:
    case TOK_RPAREN:
    case TOK_COMMA:
    case TOK_OP:
    default:
      {
        g_autofree char *found = describe_token (p, tok);

        syntax_error (p, tok, error,
                      _("expected a value after “%s” but found %s (a value is a number, a \"string\", true or false)"),
                      after_text, found);
        return FALSE;
      }
    }

  advance (p);
  return TRUE;
}

static Node *
parse_predicate (Parser  *p,
                 GError **error)
{
  const Token *key_tok = peek (p);
  const Token *tok;
  g_autoptr(Node) node = NULL;

  if (key_tok->kind != TOK_QKEY && (key_tok->kind != TOK_WORD || is_keyword (key_tok->value)))
    {
      g_autofree char *found = describe_token (p, key_tok);

      if (key_tok->kind == TOK_EOF && p->next == 0)
        syntax_error (p, key_tok, error, "%s", _("the filter is empty"));
      else if (key_tok->kind == TOK_WORD)
        syntax_error (p, key_tok, error,
                      _("expected a variable name but found the keyword %s (write a variable with that name as `%s`)"),
                      found, key_tok->value);
      else
        syntax_error (p, key_tok, error, _("expected a variable name but found %s"), found);
      return NULL;
    }
  advance (p);

  tok = peek (p);
  if (tok->kind == TOK_OP)
    {
      Literal lit;

      advance (p);
      node = node_new (NODE_CMP, key_tok->column);
      node->op = tok->op;
      if (!parse_literal (p, tok, &lit, error))
        return NULL;
      g_array_append_val (node->literals, lit);
    }
  else if (token_is_keyword (tok, "in"))
    {
      const Token *after;

      advance (p);
      node = node_new (NODE_IN, key_tok->column);
      if (peek (p)->kind != TOK_LPAREN)
        {
          g_autofree char *found = describe_token (p, peek (p));

          syntax_error (p, peek (p), error, _("expected “(” after “in” but found %s"), found);
          return NULL;
        }
      after = advance (p);
      for (;;)
        {
          Literal lit;

          if (!parse_literal (p, after, &lit, error))
            return NULL;
          g_array_append_val (node->literals, lit);

          after = peek (p);
          if (after->kind == TOK_COMMA)
            {
              advance (p);
              continue;
            }
          if (after->kind == TOK_RPAREN)
            {
              advance (p);
              break;
            }
          {
            g_autofree char *found = describe_token (p, after);

            syntax_error (p, after, error, _("expected “,” or “)” in the list after “in” but found %s"), found);
            return NULL;
          }
        }
    }
  else if (token_is_keyword (tok, "is"))
    {
      advance (p);
      node = node_new (NODE_MISSING, key_tok->column);
      if (token_is_keyword (peek (p), "not"))
        {
          advance (p);
          node->negated = TRUE;
        }
      if (!token_is_keyword (peek (p), "missing"))
        {
          g_autofree char *found = describe_token (p, peek (p));

          syntax_error (p, peek (p), error,
                        node->negated ? _("expected “missing” after “is not” but found %s")
                                      : _("expected “missing” or “not missing” after “is” but found %s"),
                        found);
          return NULL;
        }
      advance (p);
    }
  else
    {
      g_autofree char *found = describe_token (p, tok);
      g_autofree char *key = describe_token (p, key_tok);

      syntax_error (p, tok, error,
                    _("expected a comparison (=, !=, <, <=, >, >=, in, is missing) after %s but found %s"),
                    key, found);
      return NULL;
    }

  node->key = g_strdup (key_tok->value);
  return g_steal_pointer (&node);
}

static Node *
parse_not (Parser  *p,
           GError **error)
{
  const Token *tok = peek (p);
  g_autoptr(Node) node = NULL;
  /* a level is a "(" or a "not" (docs/FILTERS.md), not the predicate inside */
  gboolean nests = token_is_keyword (tok, "not") || tok->kind == TOK_LPAREN;

  if (nests && ++p->depth > MAX_DEPTH)
    {
      syntax_error (p, tok, error, _("the expression nests too deeply (more than %u levels)"), MAX_DEPTH);
      return NULL;
    }

  if (token_is_keyword (tok, "not"))
    {
      Node *child;

      advance (p);
      node = node_new (NODE_NOT, tok->column);
      if (!(child = parse_not (p, error)))
        return NULL;
      g_ptr_array_add (node->children, child);
    }
  else if (tok->kind == TOK_LPAREN)
    {
      const Token *close;

      advance (p);
      if (!(node = parse_or (p, error)))
        return NULL;
      close = peek (p);
      if (close->kind != TOK_RPAREN)
        {
          g_autofree char *found = describe_token (p, close);

          syntax_error (p, close, error, _("expected “)” to close the “(” at column %u but found %s"),
                        tok->column, found);
          return NULL;
        }
      advance (p);
    }
  else if (!(node = parse_predicate (p, error)))
    return NULL;

  if (nests)
    p->depth--;
  return g_steal_pointer (&node);
}

static Node *
parse_chain (Parser   *p,
             NodeKind  kind,
             GError  **error)
{
  const char *keyword = kind == NODE_OR ? "or" : "and";
  g_autoptr(Node) first = NULL;
  g_autoptr(Node) chain = NULL;

  first = kind == NODE_OR ? parse_chain (p, NODE_AND, error) : parse_not (p, error);
  if (first == NULL)
    return NULL;

  while (token_is_keyword (peek (p), keyword))
    {
      Node *next;

      advance (p);
      if (chain == NULL)
        {
          chain = node_new (kind, first->column);
          g_ptr_array_add (chain->children, g_steal_pointer (&first));
        }
      next = kind == NODE_OR ? parse_chain (p, NODE_AND, error) : parse_not (p, error);
      if (next == NULL)
        return NULL;
      g_ptr_array_add (chain->children, next);
    }

  return chain != NULL ? g_steal_pointer (&chain) : g_steal_pointer (&first);
}

static Node *
parse_or (Parser  *p,
          GError **error)
{
  return parse_chain (p, NODE_OR, error);
}

CsFilter *
cs_filter_parse (const char  *text,
                 guint       *error_column,
                 GError     **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(Node) root = NULL;
  CsFilter *self;
  Parser p = { 0 };

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (error_column)
    *error_column = 0;

  if (!(tokens = lex (text, error_column, error)))
    return NULL;

  p.text = text;
  p.tokens = tokens;

  if (!(root = parse_or (&p, error)))
    {
      if (error_column)
        *error_column = p.error_column;
      return NULL;
    }

  if (peek (&p)->kind != TOK_EOF)
    {
      const Token *tok = peek (&p);
      g_autofree char *found = describe_token (&p, tok);

      if (tok->kind == TOK_RPAREN)
        syntax_error (&p, tok, error, _("found %s without a matching “(”"), found);
      else
        syntax_error (&p, tok, error, _("expected “and”, “or” or the end of the filter but found %s"), found);
      if (error_column)
        *error_column = p.error_column;
      return NULL;
    }

  self = g_new0 (CsFilter, 1);
  self->root = g_steal_pointer (&root);
  self->variables = g_ptr_array_new ();
  node_number_predicates (self->root, &self->n_preds, self->variables);

  return self;
}

void
cs_filter_free (CsFilter *self)
{
  if (self == NULL)
    return;

  node_free (self->root);
  g_ptr_array_unref (self->variables);
  g_free (self);
}

GPtrArray *
cs_filter_get_variables (const CsFilter *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->variables;
}

gboolean
cs_filter_equal (const CsFilter *a,
                 const CsFilter *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return node_equal (a->root, b->root);
}

/* ------------------------------------------------------------------------ */
/* Printer */

static void
format_number (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  /* %.15g is exact for most literals people type and never pads zeros */
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  g_string_append (out, buf);
}

static void
append_quoted (GString    *out,
               const char *str,
               char        quote)
{
  g_string_append_c (out, quote);
  for (const char *c = str; *c; c++)
    {
      if (*c == quote || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, quote);
}

static void
append_key (GString    *out,
            const char *key)
{
  gboolean bare = is_word_start (key[0]) && !is_keyword (key);

  for (const char *c = key; bare && *c; c++)
    bare = is_word_char (*c);

  if (bare)
    g_string_append (out, key);
  else
    append_quoted (out, key, '`');
}

static void
append_literal (GString       *out,
                const Literal *lit)
{
  switch (lit->kind)
    {
    case LIT_NUMBER:
      format_number (out, lit->number);
      break;
    case LIT_BOOLEAN:
      g_string_append (out, lit->boolean ? "true" : "false");
      break;
    case LIT_STRING:
      append_quoted (out, lit->string, '"');
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
append_node (GString    *out,
             const Node *node)
{
  switch (node->kind)
    {
    case NODE_OR:
    case NODE_AND:
      for (guint i = 0; i < node->children->len; i++)
        {
          const Node *child = g_ptr_array_index (node->children, i);
          gboolean parens = child->kind == NODE_OR || (node->kind == NODE_AND && child->kind == NODE_AND);

          if (i > 0)
            g_string_append (out, node->kind == NODE_OR ? " or " : " and ");
          if (parens)
            g_string_append_c (out, '(');
          append_node (out, child);
          if (parens)
            g_string_append_c (out, ')');
        }
      break;

    case NODE_NOT:
      {
        const Node *child = g_ptr_array_index (node->children, 0);
        gboolean parens = child->kind == NODE_OR || child->kind == NODE_AND;

        g_string_append (out, parens ? "not (" : "not ");
        append_node (out, child);
        if (parens)
          g_string_append_c (out, ')');
      }
      break;

    case NODE_CMP:
      append_key (out, node->key);
      g_string_append_printf (out, " %s ", op_names[node->op]);
      append_literal (out, &g_array_index (node->literals, Literal, 0));
      break;

    case NODE_IN:
      append_key (out, node->key);
      g_string_append (out, " in (");
      for (guint i = 0; i < node->literals->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          append_literal (out, &g_array_index (node->literals, Literal, i));
        }
      g_string_append_c (out, ')');
      break;

    case NODE_MISSING:
      append_key (out, node->key);
      g_string_append (out, node->negated ? " is not missing" : " is missing");
      break;

    default:
      g_assert_not_reached ();
    }
}

char *
cs_filter_to_string (const CsFilter *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  append_node (out, self->root);

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Compilation: each predicate resolves to one column and a list of tests */

typedef enum
{
  TEST_EQ,
  TEST_LT,
  TEST_LE,
  TEST_GT,
  TEST_GE,
  TEST_RANGE,  /* lo <= v < hi */
} TestKind;

typedef struct
{
  TestKind kind;
  double   a;
  double   b;
} Test;

typedef struct
{
  const CsVariable *var;
  gboolean          categorical;   /* cat[] + lut, else num[] + tests */
  gboolean          invert;        /* != : true = known and no test matched */
  gboolean          missing_test;  /* is [not] missing */
  gboolean          negated;
  GArray           *tests;         /* Test */
  guint8           *lut;           /* categorical: n_levels + 1 entries, [0] = missing */
  guint             n_levels;
} Compiled;

static void
compiled_clear (Compiled *c)
{
  g_clear_pointer (&c->tests, g_array_unref);
  g_clear_pointer (&c->lut, g_free);
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 256 || lb > 256)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;

  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }

  return row[lb];
}

static const CsVariable *
resolve (const char        *key,
         CsVariable *const *variables,
         guint              n_variables)
{
  for (guint i = 0; i < n_variables; i++)
    if (g_strcmp0 (variables[i]->key, key) == 0)
      return variables[i];

  for (guint i = 0; i < n_variables; i++)
    {
      GPtrArray *codes = variables[i]->codes;

      for (guint j = 0; codes != NULL && j < codes->len; j++)
        {
          const char *code = g_ptr_array_index (codes, j);
          const char *bar = strchr (code, '|');

          if (g_str_equal (code, key) || (bar != NULL && g_str_equal (bar + 1, key)))
            return variables[i];
        }
    }

  return NULL;
}

static void
set_unknown_variable_error (const Node        *node,
                            CsVariable *const *variables,
                            guint              n_variables,
                            GError           **error)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  guint limit = MAX (2, (guint) strlen (node->key) / 3);

  for (guint i = 0; i < n_variables; i++)
    {
      guint d;

      if (variables[i]->key == NULL)
        continue;
      d = edit_distance (node->key, variables[i]->key);
      if (d < best_distance)
        best_distance = d, best = variables[i]->key;
    }

  if (best != NULL && best_distance <= limit)
    {
      g_autoptr(GString) suggestion = g_string_new (NULL);

      append_key (suggestion, best);
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                   _("column %u: unknown variable “%s” (did you mean %s?)"),
                   node->column, node->key, suggestion->str);
    }
  else
    g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_UNKNOWN_VARIABLE,
                 _("column %u: unknown variable “%s” (run “cohortscope-cli variables” to list the keys)"),
                 node->column, node->key);
}

/* Strict YYYY-MM-DD to days since 1970-01-01 */
static gboolean
parse_day (const char *str,
           double     *days)
{
  GDate date, epoch;
  guint y, m, d;

  if (strlen (str) != 10 || str[4] != '-' || str[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (str[i]))
      return FALSE;

  y = (guint) g_ascii_strtoull (str, NULL, 10);
  m = (guint) g_ascii_strtoull (str + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (str + 8, NULL, 10);
  if (y < 1 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  g_date_clear (&date, 1);
  g_date_clear (&epoch, 1);
  g_date_set_dmy (&date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  g_date_set_dmy (&epoch, 1, G_DATE_JANUARY, 1970);
  *days = (double) g_date_get_julian (&date) - (double) g_date_get_julian (&epoch);

  return TRUE;
}

static gboolean
level_matches (const CsLevel *level,
               const char    *str)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (level == NULL)
    return FALSE;
  if (g_strcmp0 (level->code, str) == 0)
    return TRUE;
  if (level->display == NULL)
    return FALSE;

  a = g_utf8_casefold (level->display, -1);
  b = g_utf8_casefold (str, -1);
  return g_str_equal (a, b);
}

static const char *
op_text (const Node *node)
{
  return node->kind == NODE_IN ? "in" : op_names[node->op];
}

static gboolean
compile_categorical (const Node       *node,
                     const CsVariable *var,
                     Compiled         *c,
                     GError          **error)
{
  guint n_levels = var->levels != NULL ? var->levels->len : 0;

  if (node->kind == NODE_CMP && node->op != OP_EQ && node->op != OP_NE)
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                   _("column %u: “%s” is categorical: “%s” needs a number or a date; use =, != or in"),
                   node->column, node->key, op_text (node));
      return FALSE;
    }

  c->categorical = TRUE;
  c->n_levels = n_levels;
  c->lut = g_new0 (guint8, n_levels + 1);
  c->invert = node->kind == NODE_CMP && node->op == OP_NE;

  for (guint i = 0; i < node->literals->len; i++)
    {
      const Literal *lit = &g_array_index (node->literals, Literal, i);
      GString *text = g_string_new (NULL);

      if (lit->kind == LIT_STRING)
        g_string_append (text, lit->string);
      else
        append_literal (text, lit);

      for (guint l = 0; l < n_levels; l++)
        if (level_matches (g_ptr_array_index (var->levels, l), text->str))
          c->lut[l + 1] = 1;

      g_string_free (text, TRUE);
    }

  return TRUE;
}

static const char *
type_name (CsVariableType type)
{
  switch (type)
    {
    case CS_VARIABLE_NUMERIC:
      return _("numeric");
    case CS_VARIABLE_SURVIVAL:
      return _("a survival time");
    case CS_VARIABLE_CATEGORICAL:
    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_DATE:
    default:
      return _("of another type");
    }
}

static gboolean
compile_numeric (const Node       *node,
                 const CsVariable *var,
                 Compiled         *c,
                 GError          **error)
{
  gboolean is_date = var->type == CS_VARIABLE_DATE;
  gboolean is_bool = var->type == CS_VARIABLE_BOOLEAN;
  CmpOp op = node->kind == NODE_IN ? OP_EQ : node->op;

  if (is_bool && op != OP_EQ && op != OP_NE)
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                   _("column %u: “%s” is boolean: “%s” does not apply; use = true, = false, != or in"),
                   node->column, node->key, op_text (node));
      return FALSE;
    }

  c->tests = g_array_new (FALSE, FALSE, sizeof (Test));
  c->invert = op == OP_NE;

  for (guint i = 0; i < node->literals->len; i++)
    {
      const Literal *lit = &g_array_index (node->literals, Literal, i);
      Test test = { 0 };
      double value = 0;

      if (is_bool)
        {
          if (lit->kind == LIT_BOOLEAN)
            value = lit->boolean ? 1 : 0;
          else if (lit->kind == LIT_NUMBER && (lit->number == 0 || lit->number == 1))
            value = lit->number;
          else if (lit->kind == LIT_STRING && g_ascii_strcasecmp (lit->string, "true") == 0)
            value = 1;
          else if (lit->kind == LIT_STRING && g_ascii_strcasecmp (lit->string, "false") == 0)
            value = 0;
          else
            {
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                           _("column %u: “%s” is boolean: compare it with true or false"),
                           lit->column, node->key);
              return FALSE;
            }
        }
      else if (is_date)
        {
          if (lit->kind != LIT_STRING)
            {
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                           _("column %u: “%s” is a date: compare it with a \"YYYY-MM-DD\" string"),
                           lit->column, node->key);
              return FALSE;
            }
          if (!parse_day (lit->string, &value))
            {
              g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                           _("column %u: “%s” is not a date; “%s” needs a date written \"YYYY-MM-DD\""),
                           lit->column, lit->string, node->key);
              return FALSE;
            }
        }
      else if (lit->kind != LIT_NUMBER)
        {
          g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                       _("column %u: “%s” is %s: compare it with a number"),
                       lit->column, node->key, type_name (var->type));
          return FALSE;
        }
      else
        value = lit->number;

      if (is_date)
        {
          /* Dates may hold a time of day (fractional days): compare whole days. */
          switch (op)
            {
            case OP_EQ:
            case OP_NE:
              test.kind = TEST_RANGE, test.a = value, test.b = value + 1;
              break;
            case OP_LT:
              test.kind = TEST_LT, test.a = value;
              break;
            case OP_LE:
              test.kind = TEST_LT, test.a = value + 1;
              break;
            case OP_GT:
              test.kind = TEST_GE, test.a = value + 1;
              break;
            case OP_GE:
              test.kind = TEST_GE, test.a = value;
              break;
            default:
              g_assert_not_reached ();
            }
        }
      else
        {
          switch (op)
            {
            case OP_EQ:
            case OP_NE:
              test.kind = TEST_EQ;
              break;
            case OP_LT:
              test.kind = TEST_LT;
              break;
            case OP_LE:
              test.kind = TEST_LE;
              break;
            case OP_GT:
              test.kind = TEST_GT;
              break;
            case OP_GE:
              test.kind = TEST_GE;
              break;
            default:
              g_assert_not_reached ();
            }
          test.a = value;
        }

      g_array_append_val (c->tests, test);
    }

  return TRUE;
}

static gboolean
compile_predicate (const Node        *node,
                   CsVariable *const *variables,
                   guint              n_variables,
                   guint              n_rows,
                   Compiled          *c,
                   GError           **error)
{
  const CsVariable *var = resolve (node->key, variables, n_variables);

  if (var == NULL)
    {
      set_unknown_variable_error (node, variables, n_variables, error);
      return FALSE;
    }

  if (var->n_rows != n_rows ||
      (n_rows > 0 && (var->type == CS_VARIABLE_CATEGORICAL ? var->cat == NULL : var->num == NULL)))
    {
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_FAILED,
                   _("variable “%s” has %u values but the table has %u rows"),
                   node->key, var->n_rows, n_rows);
      return FALSE;
    }

  c->var = var;

  if (node->kind == NODE_MISSING)
    {
      c->missing_test = TRUE;
      c->negated = node->negated;
      c->categorical = var->type == CS_VARIABLE_CATEGORICAL;
      c->n_levels = var->levels != NULL ? var->levels->len : 0;
      c->lut = g_new0 (guint8, c->n_levels + 1);
      return TRUE;
    }

  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      return compile_categorical (node, var, c, error);
    case CS_VARIABLE_NUMERIC:
    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_DATE:
    case CS_VARIABLE_SURVIVAL:
      return compile_numeric (node, var, c, error);
    default:
      g_set_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_TYPE,
                   _("column %u: “%s” has a type filters cannot compare"), node->column, node->key);
      return FALSE;
    }
}

static gboolean
compile_tree (const Node        *node,
              CsVariable *const *variables,
              guint              n_variables,
              guint              n_rows,
              Compiled          *compiled,
              GError           **error)
{
  if (node->children != NULL)
    {
      for (guint i = 0; i < node->children->len; i++)
        if (!compile_tree (g_ptr_array_index (node->children, i), variables, n_variables, n_rows,
                           compiled, error))
          return FALSE;
      return TRUE;
    }

  return compile_predicate (node, variables, n_variables, n_rows, &compiled[node->pred_index], error);
}

/* ------------------------------------------------------------------------ */
/* Evaluation
 *
 * A node yields its true rows and, when the caller needs them, its unknown
 * rows. Only NOT needs the unknown rows of its child (false = neither), so
 * AND/OR chains under the root run in "true only" mode: predicates skip the
 * missing mask (NAN and the missing level compare false anyway), and the
 * simple ones AND straight into the chain's accumulator, skipping words
 * that are already all false.
 */

typedef struct
{
  CsBitset *t;   /* true */
  CsBitset *u;   /* unknown, NULL in true-only mode */
} Tri;

/* One pass over a numeric column. With m: OR the matches into t and store
 * the missing bits in m. Without m: OR (or AND, when and_into) the matches
 * into t. */
#define NUM_LOOP(EXPR)                                                   \
  if (m != NULL)                                                         \
    {                                                                    \
      for (guint w = 0; w < n_words; w++)                                \
        {                                                                \
          const double *col = num + (gsize) w * 64;                      \
          guint end = MIN (64, n_rows - w * 64);                         \
          guint64 bits = 0, miss = 0;                                    \
                                                                         \
          for (guint b = 0; b < end; b++)                                \
            {                                                            \
              double v = col[b];                                         \
              bits |= (guint64) (EXPR) << b;                             \
              miss |= (guint64) (v != v) << b;                           \
            }                                                            \
          t[w] |= bits;                                                  \
          m[w] = miss;                                                   \
        }                                                                \
    }                                                                    \
  else                                                                   \
    {                                                                    \
      for (guint w = 0; w < n_words; w++)                                \
        {                                                                \
          const double *col = num + (gsize) w * 64;                      \
          guint end = MIN (64, n_rows - w * 64);                         \
          guint64 bits = 0;                                              \
                                                                         \
          if (and_into && t[w] == 0)                                     \
            continue;                                                    \
          for (guint b = 0; b < end; b++)                                \
            {                                                            \
              double v = col[b];                                         \
              bits |= (guint64) (EXPR) << b;                             \
            }                                                            \
          t[w] = and_into ? (t[w] & bits) : (t[w] | bits);               \
        }                                                                \
    }

static void
run_test (const Test   *test,
          const double *num,
          guint         n_rows,
          guint         n_words,
          guint64      *t,
          guint64      *m,
          gboolean      and_into)
{
  double a = test->a, b_ = test->b;

  switch (test->kind)
    {
    case TEST_EQ:
      NUM_LOOP (v == a);
      break;
    case TEST_LT:
      NUM_LOOP (v < a);
      break;
    case TEST_LE:
      NUM_LOOP (v <= a);
      break;
    case TEST_GT:
      NUM_LOOP (v > a);
      break;
    case TEST_GE:
      NUM_LOOP (v >= a);
      break;
    case TEST_RANGE:
      NUM_LOOP ((v >= a) & (v < b_));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Categorical: t gets the rows whose level is marked in the lut (replaced,
 * or and-ed when and_into), m (when not NULL) the missing rows. */
static void
eval_categorical (const Compiled *c,
                  guint           n_rows,
                  guint           n_words,
                  guint64        *t,
                  guint64        *m,
                  gboolean        and_into)
{
  const gint32 *cat = c->var->cat;
  const guint8 *lut = c->lut;
  guint32 n_levels = c->n_levels;

  for (guint w = 0; w < n_words; w++)
    {
      const gint32 *col = cat + (gsize) w * 64;
      guint end = MIN (64, n_rows - w * 64);
      guint64 bits = 0, miss = 0;

      if (and_into && t[w] == 0)
        continue;
      for (guint b = 0; b < end; b++)
        {
          guint32 idx = (guint32) col[b] + 1u;

          idx = idx <= n_levels ? idx : 0;
          bits |= (guint64) lut[idx] << b;
          miss |= (guint64) (idx == 0) << b;
        }
      t[w] = and_into ? (t[w] & bits) : bits;
      if (m != NULL)
        m[w] = miss;
    }
}

static inline guint64
tail_mask (guint n_rows)
{
  return n_rows % 64 == 0 ? G_MAXUINT64 : (((guint64) 1 << (n_rows % 64)) - 1);
}

/* A predicate that can AND straight into an accumulator in true-only mode */
static gboolean
compiled_is_simple (const Compiled *c)
{
  return !c->missing_test && !c->invert && (c->categorical || c->tests->len == 1);
}

static void
and_into_simple (const Compiled *c,
                 guint           n_rows,
                 guint64        *t,
                 guint           n_words)
{
  if (c->categorical)
    eval_categorical (c, n_rows, n_words, t, NULL, TRUE);
  else
    run_test (&g_array_index (c->tests, Test, 0), c->var->num, n_rows, n_words, t, NULL, TRUE);
}

/* t receives the true rows, u (scratch when the caller does not need it)
 * the unknown rows; both start clear. */
static void
eval_predicate (const Compiled *c,
                guint           n_rows,
                guint64        *t,
                guint64        *u,
                guint           n_words)
{
  g_autofree guint64 *scratch = NULL;

  if (c->categorical)
    /* for "is missing" the lut is all zero: only the missing bits matter */
    eval_categorical (c, n_rows, n_words, t, u, FALSE);
  else if (c->missing_test)
    {
      static const Test never = { TEST_LT, -INFINITY, 0 };

      run_test (&never, c->var->num, n_rows, n_words, t, u, FALSE);
    }
  else
    {
      for (guint i = 0; i < c->tests->len; i++)
        {
          if (i == 0)
            run_test (&g_array_index (c->tests, Test, i), c->var->num, n_rows, n_words, t, u, FALSE);
          else
            {
              if (scratch == NULL)
                scratch = g_new (guint64, MAX (n_words, 1));
              run_test (&g_array_index (c->tests, Test, i), c->var->num, n_rows, n_words, t, scratch, FALSE);
            }
        }
    }

  /* Now t = matched, u = missing. */
  if (c->missing_test)
    {
      guint64 last = tail_mask (n_rows);

      for (guint w = 0; w < n_words; w++)
        {
          t[w] = c->negated ? ~u[w] : u[w];
          u[w] = 0;
        }
      if (n_words > 0)
        t[n_words - 1] &= last;
    }
  else if (c->invert)
    {
      guint64 last = tail_mask (n_rows);

      for (guint w = 0; w < n_words; w++)
        t[w] = ~t[w] & ~u[w];
      if (n_words > 0)
        t[n_words - 1] &= last;
    }
  else
    {
      for (guint w = 0; w < n_words; w++)
        t[w] &= ~u[w];
    }
}

static void
tri_clear (Tri *tri)
{
  g_clear_pointer (&tri->t, cs_bitset_free);
  g_clear_pointer (&tri->u, cs_bitset_free);
}

static gboolean
node_is_simple (const Node     *node,
                const Compiled *compiled)
{
  return node->children == NULL && compiled_is_simple (&compiled[node->pred_index]);
}

static void
eval_node (const Node     *node,
           const Compiled *compiled,
           guint           n_rows,
           gboolean        need_unknown,
           Tri            *out)
{
  out->t = cs_bitset_new (n_rows);
  out->u = need_unknown ? cs_bitset_new (n_rows) : NULL;

  switch (node->kind)
    {
    case NODE_CMP:
    case NODE_IN:
    case NODE_MISSING:
      {
        const Compiled *c = &compiled[node->pred_index];
        guint n_words = out->t->n_words;

        if (!need_unknown && compiled_is_simple (c))
          {
            if (c->categorical)
              eval_categorical (c, n_rows, n_words, out->t->words, NULL, FALSE);
            else
              run_test (&g_array_index (c->tests, Test, 0), c->var->num, n_rows, n_words,
                        out->t->words, NULL, FALSE);
          }
        else if (need_unknown)
          eval_predicate (c, n_rows, out->t->words, out->u->words, n_words);
        else
          {
            g_autofree guint64 *scratch = g_new0 (guint64, MAX (n_words, 1));

            eval_predicate (c, n_rows, out->t->words, scratch, n_words);
          }
      }
      break;

    case NODE_NOT:
      {
        Tri child = { 0 };
        guint64 last = tail_mask (n_rows);
        guint n_words = out->t->n_words;

        eval_node (g_ptr_array_index (node->children, 0), compiled, n_rows, TRUE, &child);
        /* true ↔ false, unknown stays unknown */
        for (guint w = 0; w < n_words; w++)
          out->t->words[w] = ~child.t->words[w] & ~child.u->words[w];
        if (n_words > 0)
          out->t->words[n_words - 1] &= last;
        if (need_unknown)
          {
            CsBitset *tmp = out->u;

            out->u = child.u, child.u = tmp;
          }
        tri_clear (&child);
      }
      break;

    case NODE_AND:
    case NODE_OR:
      {
        guint n_words = out->t->n_words;
        gboolean is_and = node->kind == NODE_AND;

        for (guint i = 0; i < node->children->len; i++)
          {
            const Node *child_node = g_ptr_array_index (node->children, i);
            Tri child = { 0 };
            guint64 *t = out->t->words, *u = need_unknown ? out->u->words : NULL;

            if (i > 0 && is_and && !need_unknown && node_is_simple (child_node, compiled))
              {
                and_into_simple (&compiled[child_node->pred_index], n_rows, t, n_words);
                continue;
              }

            eval_node (child_node, compiled, n_rows, need_unknown, &child);
            if (i == 0)
              {
                CsBitset *tmp;

                tmp = out->t, out->t = child.t, child.t = tmp;
                tmp = out->u, out->u = child.u, child.u = tmp;
              }
            else if (!need_unknown)
              {
                for (guint w = 0; w < n_words; w++)
                  t[w] = is_and ? (t[w] & child.t->words[w]) : (t[w] | child.t->words[w]);
              }
            else if (is_and)
              {
                /* Kleene AND: true if both true; unknown if neither is false and not both true */
                for (guint w = 0; w < n_words; w++)
                  {
                    guint64 t1 = t[w], u1 = u[w], t2 = child.t->words[w], u2 = child.u->words[w];

                    t[w] = t1 & t2;
                    u[w] = (t1 | u1) & (t2 | u2) & ~(t1 & t2);
                  }
              }
            else
              {
                /* Kleene OR: true if either true; unknown if not true and either unknown */
                for (guint w = 0; w < n_words; w++)
                  {
                    guint64 t1 = t[w] | child.t->words[w];

                    t[w] = t1;
                    u[w] = (u[w] | child.u->words[w]) & ~t1;
                  }
              }
            tri_clear (&child);
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

CsBitset *
cs_filter_evaluate_columns (const CsFilter     *self,
                            CsVariable *const  *variables,
                            guint               n_variables,
                            guint               n_rows,
                            CsBitset          **unknown,
                            GError            **error)
{
  Compiled *compiled;
  Tri result = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (variables != NULL || n_variables == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  compiled = g_new0 (Compiled, MAX (self->n_preds, 1));
  ok = compile_tree (self->root, variables, n_variables, n_rows, compiled, error);
  if (ok)
    eval_node (self->root, compiled, n_rows, unknown != NULL, &result);

  for (guint i = 0; i < self->n_preds; i++)
    compiled_clear (&compiled[i]);
  g_free (compiled);

  if (!ok)
    return NULL;

  if (unknown != NULL)
    *unknown = g_steal_pointer (&result.u);

  return result.t;
}
