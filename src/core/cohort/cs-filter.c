/* cs-filter.c: cohort filter expressions — lexer, parser, printer
 *
 * The parser builds a small tree (cs-filter-private.h): AND and OR nodes
 * are n-ary (a chain "a and b and c" is one node), NOT has one child, and
 * the leaves are predicates. cs-filter-eval.c evaluates it against the
 * columns; the filter state reads it to split a filter into clauses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cs-filter-private.h"

#define MAX_DEPTH 200

G_DEFINE_QUARK (cs-filter-error-quark, cs_filter_error)

static const char *op_names[] = { "=", "!=", "<", "<=", ">", ">=" };

const char *
_cs_filter_op_name (CsFilterOp op)
{
  return op_names[op];
}

static const char *keywords[] = { "and", "or", "not", "in", "is", "missing", "true", "false" };

/* ------------------------------------------------------------------------ */
/* Tree */

static void
literal_clear (gpointer data)
{
  CsFilterLiteral *lit = data;

  g_clear_pointer (&lit->string, g_free);
}

static void node_free (CsFilterNode *node);

static CsFilterNode *
node_new (CsFilterNodeKind kind,
          guint            column)
{
  CsFilterNode *node = g_new0 (CsFilterNode, 1);

  node->kind = kind;
  node->column = column;
  if (kind == CS_FILTER_NODE_OR || kind == CS_FILTER_NODE_AND || kind == CS_FILTER_NODE_NOT)
    node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  if (kind == CS_FILTER_NODE_CMP || kind == CS_FILTER_NODE_IN)
    {
      node->literals = g_array_new (FALSE, TRUE, sizeof (CsFilterLiteral));
      g_array_set_clear_func (node->literals, literal_clear);
    }

  return node;
}

static void
node_free (CsFilterNode *node)
{
  if (node == NULL)
    return;

  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->literals, g_array_unref);
  g_free (node->key);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFilterNode, node_free)

static gboolean
literal_equal (const CsFilterLiteral *a,
               const CsFilterLiteral *b)
{
  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case CS_FILTER_LITERAL_NUMBER:
      return a->number == b->number;
    case CS_FILTER_LITERAL_BOOLEAN:
      return !a->boolean == !b->boolean;
    case CS_FILTER_LITERAL_STRING:
      return g_strcmp0 (a->string, b->string) == 0;
    default:
      return FALSE;
    }
}

static gboolean
node_equal (const CsFilterNode *a,
            const CsFilterNode *b)
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
  if (a->kind == CS_FILTER_NODE_CMP && a->op != b->op)
    return FALSE;
  if (a->kind == CS_FILTER_NODE_MISSING)
    return !a->negated == !b->negated;

  if (a->literals->len != b->literals->len)
    return FALSE;
  for (guint i = 0; i < a->literals->len; i++)
    if (!literal_equal (&g_array_index (a->literals, CsFilterLiteral, i), &g_array_index (b->literals, CsFilterLiteral, i)))
      return FALSE;

  return TRUE;
}

static void
node_number_predicates (CsFilterNode *node,
                        guint        *counter,
                        GPtrArray    *variables)
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
  TokKind     kind;
  gsize       pos;      /* byte offset in the text */
  gsize       len;      /* bytes in the text */
  guint       column;   /* 1-based character column */
  char       *value;    /* WORD, QKEY, STRING: unescaped text */
  double      number;
  CsFilterOp  op;
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
            tok.op = CS_FILTER_OP_EQ, i++;
          else if (c == '!')
            tok.op = CS_FILTER_OP_NE, i += 2;
          else if (text[i + 1] == '=')
            tok.op = c == '<' ? CS_FILTER_OP_LE : CS_FILTER_OP_GE, i += 2;
          else
            tok.op = c == '<' ? CS_FILTER_OP_LT : CS_FILTER_OP_GT, i++;
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

/* Where the last token taken ends */
static gsize
end_of_last (Parser *p)
{
  const Token *last = &g_array_index (p->tokens, Token, p->next - 1);

  return last->pos + last->len;
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

static CsFilterNode *parse_or (Parser *p, GError **error);

static gboolean
parse_literal (Parser          *p,
               const Token     *after,
               CsFilterLiteral *lit,
               GError         **error)
{
  const Token *tok = peek (p);
  g_autofree char *after_text = g_strndup (p->text + after->pos, after->len);

  memset (lit, 0, sizeof *lit);
  lit->column = tok->column;
  lit->pos = tok->pos;
  lit->len = tok->len;

  switch (tok->kind)
    {
    case TOK_NUMBER:
      lit->kind = CS_FILTER_LITERAL_NUMBER;
      lit->number = tok->number;
      break;
    case TOK_STRING:
      lit->kind = CS_FILTER_LITERAL_STRING;
      lit->string = g_strdup (tok->value);
      break;
    case TOK_WORD:
      if (token_is_keyword (tok, "true") || token_is_keyword (tok, "false"))
        {
          lit->kind = CS_FILTER_LITERAL_BOOLEAN;
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

static CsFilterNode *
parse_predicate (Parser  *p,
                 GError **error)
{
  const Token *key_tok = peek (p);
  const Token *tok;
  g_autoptr(CsFilterNode) node = NULL;

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
      CsFilterLiteral lit;

      advance (p);
      node = node_new (CS_FILTER_NODE_CMP, key_tok->column);
      node->op = tok->op;
      if (!parse_literal (p, tok, &lit, error))
        return NULL;
      g_array_append_val (node->literals, lit);
    }
  else if (token_is_keyword (tok, "in"))
    {
      const Token *after;

      advance (p);
      node = node_new (CS_FILTER_NODE_IN, key_tok->column);
      if (peek (p)->kind != TOK_LPAREN)
        {
          g_autofree char *found = describe_token (p, peek (p));

          syntax_error (p, peek (p), error, _("expected “(” after “in” but found %s"), found);
          return NULL;
        }
      after = advance (p);
      for (;;)
        {
          CsFilterLiteral lit;

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
      node = node_new (CS_FILTER_NODE_MISSING, key_tok->column);
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
  node->start = key_tok->pos;
  node->end = end_of_last (p);
  return g_steal_pointer (&node);
}

static CsFilterNode *
parse_not (Parser  *p,
           GError **error)
{
  const Token *tok = peek (p);
  g_autoptr(CsFilterNode) node = NULL;
  /* a level is a "(" or a "not" (docs/FILTERS.md), not the predicate inside */
  gboolean nests = token_is_keyword (tok, "not") || tok->kind == TOK_LPAREN;

  if (nests && ++p->depth > MAX_DEPTH)
    {
      syntax_error (p, tok, error, _("the expression nests too deeply (more than %u levels)"), MAX_DEPTH);
      return NULL;
    }

  if (token_is_keyword (tok, "not"))
    {
      CsFilterNode *child;

      advance (p);
      node = node_new (CS_FILTER_NODE_NOT, tok->column);
      if (!(child = parse_not (p, error)))
        return NULL;
      g_ptr_array_add (node->children, child);
      node->start = tok->pos;
      node->end = child->end;
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
      node->parens = TRUE;
      node->start = tok->pos;
      node->end = close->pos + close->len;
    }
  else if (!(node = parse_predicate (p, error)))
    return NULL;

  if (nests)
    p->depth--;
  return g_steal_pointer (&node);
}

static CsFilterNode *
parse_chain (Parser          *p,
             CsFilterNodeKind kind,
             GError         **error)
{
  const char *keyword = kind == CS_FILTER_NODE_OR ? "or" : "and";
  g_autoptr(CsFilterNode) first = NULL;
  g_autoptr(CsFilterNode) chain = NULL;

  first = kind == CS_FILTER_NODE_OR ? parse_chain (p, CS_FILTER_NODE_AND, error) : parse_not (p, error);
  if (first == NULL)
    return NULL;

  while (token_is_keyword (peek (p), keyword))
    {
      CsFilterNode *next;

      advance (p);
      if (chain == NULL)
        {
          chain = node_new (kind, first->column);
          chain->start = first->start;
          g_ptr_array_add (chain->children, g_steal_pointer (&first));
        }
      next = kind == CS_FILTER_NODE_OR ? parse_chain (p, CS_FILTER_NODE_AND, error) : parse_not (p, error);
      if (next == NULL)
        return NULL;
      chain->end = next->end;
      g_ptr_array_add (chain->children, next);
    }

  return chain != NULL ? g_steal_pointer (&chain) : g_steal_pointer (&first);
}

static CsFilterNode *
parse_or (Parser  *p,
          GError **error)
{
  return parse_chain (p, CS_FILTER_NODE_OR, error);
}

CsFilter *
cs_filter_parse (const char  *text,
                 guint       *error_column,
                 GError     **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(CsFilterNode) root = NULL;
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

const CsFilterNode *
_cs_filter_get_root (const CsFilter *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->root;
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

void
_cs_filter_append_key (GString    *out,
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

void
_cs_filter_append_string (GString    *out,
                          const char *text)
{
  append_quoted (out, text, '"');
}

void
_cs_filter_append_literal (GString               *out,
                           const CsFilterLiteral *lit)
{
  switch (lit->kind)
    {
    case CS_FILTER_LITERAL_NUMBER:
      {
        char buf[CS_NUMBER_BUF_SIZE];

        cs_format_double_buf (lit->number, buf);
        g_string_append (out, buf);
      }
      break;
    case CS_FILTER_LITERAL_BOOLEAN:
      g_string_append (out, lit->boolean ? "true" : "false");
      break;
    case CS_FILTER_LITERAL_STRING:
      _cs_filter_append_string (out, lit->string);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
append_node (GString            *out,
             const CsFilterNode *node)
{
  switch (node->kind)
    {
    case CS_FILTER_NODE_OR:
    case CS_FILTER_NODE_AND:
      for (guint i = 0; i < node->children->len; i++)
        {
          const CsFilterNode *child = g_ptr_array_index (node->children, i);
          gboolean parens = child->kind == CS_FILTER_NODE_OR || (node->kind == CS_FILTER_NODE_AND && child->kind == CS_FILTER_NODE_AND);

          if (i > 0)
            g_string_append (out, node->kind == CS_FILTER_NODE_OR ? " or " : " and ");
          if (parens)
            g_string_append_c (out, '(');
          append_node (out, child);
          if (parens)
            g_string_append_c (out, ')');
        }
      break;

    case CS_FILTER_NODE_NOT:
      {
        const CsFilterNode *child = g_ptr_array_index (node->children, 0);
        gboolean parens = child->kind == CS_FILTER_NODE_OR || child->kind == CS_FILTER_NODE_AND;

        g_string_append (out, parens ? "not (" : "not ");
        append_node (out, child);
        if (parens)
          g_string_append_c (out, ')');
      }
      break;

    case CS_FILTER_NODE_CMP:
      _cs_filter_append_key (out, node->key);
      g_string_append_printf (out, " %s ", op_names[node->op]);
      _cs_filter_append_literal (out, &g_array_index (node->literals, CsFilterLiteral, 0));
      break;

    case CS_FILTER_NODE_IN:
      _cs_filter_append_key (out, node->key);
      g_string_append (out, " in (");
      for (guint i = 0; i < node->literals->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          _cs_filter_append_literal (out, &g_array_index (node->literals, CsFilterLiteral, i));
        }
      g_string_append_c (out, ')');
      break;

    case CS_FILTER_NODE_MISSING:
      _cs_filter_append_key (out, node->key);
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
