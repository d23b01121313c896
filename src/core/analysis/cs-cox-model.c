/* cs-cox-model.c: a fitted Cox model as a signature that travels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cs-analysis-private.h"
#include "cs-cox-model.h"
#include "cs-date.h"
#include "cs-json-doc.h"
#include "cs-saved-cohort.h"

G_DEFINE_QUARK (cs-cox-model-error-quark, cs_cox_model_error)

static void
covariate_free (gpointer data)
{
  CsCoxModelCovariate *cov = data;

  g_free (cov->key);
  g_free (cov->reference);
  g_free (cov);
}

static void
term_free (gpointer data)
{
  CsCoxModelTerm *term = data;

  g_free (term->name);
  g_free (term->level);
  g_free (term);
}

static CsCoxModel *
model_new (void)
{
  CsCoxModel *model = g_new0 (CsCoxModel, 1);

  model->strata_keys = g_ptr_array_new_with_free_func (g_free);
  model->covariates = g_ptr_array_new_with_free_func (covariate_free);
  model->terms = g_ptr_array_new_with_free_func (term_free);
  model->concordance = NAN;
  model->concordance_se = NAN;
  return model;
}

void
cs_cox_model_free (CsCoxModel *model)
{
  if (model == NULL)
    return;
  g_free (model->key);
  g_free (model->label);
  g_free (model->created);
  g_free (model->time_key);
  g_free (model->event_key);
  g_ptr_array_unref (model->strata_keys);
  g_ptr_array_unref (model->covariates);
  g_ptr_array_unref (model->terms);
  g_free (model->cohort);
  g_free (model->filter);
  g_free (model->source);
  g_free (model);
}

CsCoxModel *
cs_cox_model_new_from_fit (const CsCoxInput        *input,
                           const CsCoxFit          *fit,
                           const CsVariable        *time_var,
                           const CsVariable        *event_var,
                           const CsVariable *const *strata,
                           guint                    n_strata,
                           const char              *key,
                           GError                 **error)
{
  g_autoptr(CsCoxModel) model = NULL;

  g_return_val_if_fail (input != NULL && fit != NULL && time_var != NULL, NULL);
  g_return_val_if_fail (fit->p == input->p, NULL);

  for (guint j = 0; j < fit->p; j++)
    if (fit->state[j] == CS_COX_COEF_INFINITE)
      {
        g_set_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_INFINITE,
                     _("the coefficient of “%s” is infinite (its value separates the patients with "
                       "events from the others), so the model gives no usable score; leave it out"),
                     input->terms[j].name);
        return NULL;
      }

  model = model_new ();
  model->key = g_strdup (key != NULL ? key : "signature");
  model->created = cs_date_now_timestamp ();
  model->time_key = g_strdup (time_var->key);
  model->event_key = event_var != NULL ? g_strdup (event_var->key) : NULL;
  for (guint k = 0; k < n_strata; k++)
    g_ptr_array_add (model->strata_keys, g_strdup (strata[k]->key));
  model->breslow = fit->breslow;

  for (guint c = 0; c < input->n_covariates; c++)
    {
      CsCoxModelCovariate *cov = g_new0 (CsCoxModelCovariate, 1);

      cov->key = g_strdup (input->covariates[c].var->key);
      cov->type = input->covariates[c].var->type;
      cov->reference = g_strdup (input->covariates[c].reference_name);
      g_ptr_array_add (model->covariates, cov);
    }
  for (guint j = 0; j < input->p; j++)
    {
      const CsCoxTerm *t = &input->terms[j];
      CsCoxModelTerm *term = g_new0 (CsCoxModelTerm, 1);

      term->name = g_strdup (t->name);
      term->covariate = t->covariate;
      if (t->level >= 0)
        term->level = g_strdup (strchr (t->name, '=') + 1);
      term->coef = fit->coef[j];
      term->se = fit->se[j];
      term->mean = fit->means[j];
      g_ptr_array_add (model->terms, term);
    }

  model->n = fit->n;
  model->n_events = fit->n_events;
  model->concordance = fit->concordance;
  model->concordance_se = fit->concordance_se;
  return g_steal_pointer (&model);
}

/* ---------------------------------------------------------------- JSON */

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_number (JsonBuilder *builder,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (builder, member);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
cs_cox_model_to_json (const CsCoxModel *model)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "format", CS_COX_MODEL_FORMAT);
  add_string (builder, "kind", "cox");
  add_string (builder, "key", model->key);
  if (model->label != NULL)
    add_string (builder, "label", model->label);
  add_string (builder, "created", model->created);
  add_string (builder, "time", model->time_key);
  add_string (builder, "event", model->event_key);
  json_builder_set_member_name (builder, "strata");
  json_builder_begin_array (builder);
  for (guint k = 0; k < model->strata_keys->len; k++)
    json_builder_add_string_value (builder, g_ptr_array_index (model->strata_keys, k));
  json_builder_end_array (builder);
  add_string (builder, "ties", model->breslow ? "breslow" : "efron");

  json_builder_set_member_name (builder, "covariates");
  json_builder_begin_array (builder);
  for (guint c = 0; c < model->covariates->len; c++)
    {
      const CsCoxModelCovariate *cov = g_ptr_array_index (model->covariates, c);

      json_builder_begin_object (builder);
      add_string (builder, "key", cov->key);
      add_string (builder, "type", cs_variable_type_to_string (cov->type));
      if (cov->reference != NULL)
        add_string (builder, "reference", cov->reference);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "terms");
  json_builder_begin_array (builder);
  for (guint j = 0; j < model->terms->len; j++)
    {
      const CsCoxModelTerm *term = g_ptr_array_index (model->terms, j);
      const CsCoxModelCovariate *cov = g_ptr_array_index (model->covariates, term->covariate);

      json_builder_begin_object (builder);
      add_string (builder, "term", term->name);
      add_string (builder, "covariate", cov->key);
      add_string (builder, "level", term->level);
      add_number (builder, "coef", term->coef);
      add_number (builder, "se", term->se);
      add_number (builder, "mean", term->mean);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "training");
  json_builder_begin_object (builder);
  add_string (builder, "cohort", model->cohort);
  add_string (builder, "filter", model->filter);
  add_string (builder, "source", model->source);
  add_number (builder, "n", model->n);
  add_number (builder, "events", model->n_events);
  json_builder_set_member_name (builder, "concordance");
  json_builder_begin_object (builder);
  add_number (builder, "c", model->concordance);
  add_number (builder, "se", model->concordance_se);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  out = json_generator_to_gstring (generator, g_string_new (NULL));
  g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
type_from_string (const char     *str,
                  CsVariableType *type)
{
  static const CsVariableType types[] = {
    CS_VARIABLE_NUMERIC, CS_VARIABLE_DATE, CS_VARIABLE_BOOLEAN, CS_VARIABLE_CATEGORICAL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (str, cs_variable_type_to_string (types[i])) == 0)
      {
        *type = types[i];
        return TRUE;
      }
  return FALSE;
}

static gboolean
read_covariates (const CsJsonDoc *doc,
                 JsonObject      *object,
                 CsCoxModel      *model,
                 GError         **error)
{
  JsonArray *array;

  if (!cs_json_doc_get_array (doc, object, "covariates", "$", TRUE, &array, error))
    return FALSE;
  for (guint c = 0; c < json_array_get_length (array); c++)
    {
      g_autofree char *path = g_strdup_printf ("$.covariates[%u]", c);
      g_autofree char *type = NULL;
      CsCoxModelCovariate *cov;
      JsonObject *obj;
      gboolean coded;

      if (!(obj = cs_json_doc_object_element (doc, array, c, path, error)))
        return FALSE;
      cov = g_new0 (CsCoxModelCovariate, 1);
      g_ptr_array_add (model->covariates, cov);
      if (!cs_json_doc_get_string (doc, obj, "key", path, TRUE, &cov->key, error) ||
          !cs_json_doc_get_string (doc, obj, "type", path, TRUE, &type, error))
        return FALSE;
      if (!type_from_string (type, &cov->type))
        {
          g_autofree char *type_path = g_strconcat (path, ".type", NULL);

          cs_json_doc_error (doc, error, type_path,
                             _("“%s” is not numeric, date, boolean or categorical"), type);
          return FALSE;
        }
      coded = cov->type == CS_VARIABLE_BOOLEAN || cov->type == CS_VARIABLE_CATEGORICAL;
      if (!cs_json_doc_get_string (doc, obj, "reference", path, coded, &cov->reference, error))
        return FALSE;
      if (!coded && cov->reference != NULL)
        {
          g_autofree char *ref_path = g_strconcat (path, ".reference", NULL);

          cs_json_doc_error (doc, error, ref_path, _("a %s covariate has no reference level"), type);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_terms (const CsJsonDoc *doc,
            JsonObject      *object,
            CsCoxModel      *model,
            GError         **error)
{
  JsonArray *array;

  if (!cs_json_doc_get_array (doc, object, "terms", "$", TRUE, &array, error))
    return FALSE;
  for (guint j = 0; j < json_array_get_length (array); j++)
    {
      g_autofree char *path = g_strdup_printf ("$.terms[%u]", j);
      g_autofree char *covariate = NULL;
      CsCoxModelTerm *term;
      const CsCoxModelCovariate *cov = NULL;
      JsonObject *obj;
      gboolean coded;

      if (!(obj = cs_json_doc_object_element (doc, array, j, path, error)))
        return FALSE;
      term = g_new0 (CsCoxModelTerm, 1);
      g_ptr_array_add (model->terms, term);
      if (!cs_json_doc_get_string (doc, obj, "term", path, TRUE, &term->name, error) ||
          !cs_json_doc_get_string (doc, obj, "covariate", path, TRUE, &covariate, error) ||
          !cs_json_doc_get_number (doc, obj, "coef", path, TRUE, &term->coef, error) ||
          !cs_json_doc_get_number (doc, obj, "se", path, TRUE, &term->se, error) ||
          !cs_json_doc_get_number (doc, obj, "mean", path, FALSE, &term->mean, error))
        return FALSE;
      for (guint c = 0; c < model->covariates->len && cov == NULL; c++)
        if (g_str_equal (((CsCoxModelCovariate *) g_ptr_array_index (model->covariates, c))->key, covariate))
          {
            cov = g_ptr_array_index (model->covariates, c);
            term->covariate = c;
          }
      if (cov == NULL)
        {
          g_autofree char *cov_path = g_strconcat (path, ".covariate", NULL);

          cs_json_doc_error (doc, error, cov_path, _("“%s” is not one of the model’s covariates"), covariate);
          return FALSE;
        }
      coded = cov->type == CS_VARIABLE_BOOLEAN || cov->type == CS_VARIABLE_CATEGORICAL;
      if (!cs_json_doc_get_string (doc, obj, "level", path, coded, &term->level, error))
        return FALSE;
      if (!coded && term->level != NULL)
        {
          g_autofree char *level_path = g_strconcat (path, ".level", NULL);

          cs_json_doc_error (doc, error, level_path, _("the covariate “%s” is %s and has no levels"),
                             cov->key, cs_variable_type_to_string (cov->type));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_training (const CsJsonDoc *doc,
               JsonObject      *object,
               CsCoxModel      *model,
               GError         **error)
{
  JsonObject *training, *conc;
  double n = NAN, events = NAN;

  if (!cs_json_doc_get_object (doc, object, "training", "$", FALSE, &training, error))
    return FALSE;
  if (training == NULL)
    return TRUE;
  if (!cs_json_doc_get_string (doc, training, "cohort", "$.training", FALSE, &model->cohort, error) ||
      !cs_json_doc_get_string (doc, training, "filter", "$.training", FALSE, &model->filter, error) ||
      !cs_json_doc_get_string (doc, training, "source", "$.training", FALSE, &model->source, error) ||
      !cs_json_doc_get_number (doc, training, "n", "$.training", TRUE, &n, error) ||
      !cs_json_doc_get_number (doc, training, "events", "$.training", TRUE, &events, error))
    return FALSE;
  if ((!isnan (n) && (n < 0 || n != floor (n) || n > G_MAXUINT)) ||
      (!isnan (events) && (events < 0 || events != floor (events) || events > G_MAXUINT)))
    {
      cs_json_doc_error (doc, error, "$.training", "%s", _("n and events must be counts (whole numbers ≥ 0)"));
      return FALSE;
    }
  model->n = isnan (n) ? 0 : (guint) n;
  model->n_events = isnan (events) ? 0 : (guint) events;

  if (!cs_json_doc_get_object (doc, training, "concordance", "$.training", FALSE, &conc, error))
    return FALSE;
  if (conc == NULL)
    return TRUE;
  return cs_json_doc_get_number (doc, conc, "c", "$.training.concordance", TRUE, &model->concordance, error) &&
         cs_json_doc_get_number (doc, conc, "se", "$.training.concordance", TRUE, &model->concordance_se, error);
}

CsCoxModel *
cs_cox_model_from_json (const char  *data,
                        gssize       length,
                        const char  *where,
                        GError     **error)
{
  CsJsonDoc doc = { where, _("model"), CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_INVALID };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CsCoxModel) model = model_new ();
  g_autofree char *kind = NULL;
  g_autofree char *ties = NULL;
  JsonObject *object;
  JsonArray *strata;

  g_return_val_if_fail (data != NULL, NULL);

  if (!(root = cs_json_doc_parse (&doc, data, length, error)))
    return NULL;
  object = json_node_get_object (root);
  if (!cs_json_doc_check_format (&doc, object, CS_COX_MODEL_FORMAT, CS_COX_MODEL_ERROR_UNSUPPORTED, error) ||
      !cs_json_doc_get_string (&doc, object, "kind", "$", TRUE, &kind, error))
    return NULL;
  if (!g_str_equal (kind, "cox"))
    {
      cs_json_doc_error (&doc, error, "$.kind", _("expected “cox” but found “%s”"), kind);
      return NULL;
    }
  if (!cs_json_doc_get_string (&doc, object, "key", "$", TRUE, &model->key, error) ||
      !cs_json_doc_get_string (&doc, object, "label", "$", FALSE, &model->label, error) ||
      !cs_json_doc_get_string (&doc, object, "created", "$", FALSE, &model->created, error) ||
      !cs_json_doc_get_string (&doc, object, "time", "$", TRUE, &model->time_key, error) ||
      !cs_json_doc_get_string (&doc, object, "event", "$", FALSE, &model->event_key, error) ||
      !cs_json_doc_get_string (&doc, object, "ties", "$", FALSE, &ties, error) ||
      !cs_json_doc_get_array (&doc, object, "strata", "$", FALSE, &strata, error))
    return NULL;
  if (!cs_variable_key_is_valid (model->key))
    {
      cs_json_doc_error (&doc, error, "$.key",
                         _("“%s” cannot be a variable key (letters, digits, “_” and “.”, starting with a "
                           "letter or “_”)"), model->key);
      return NULL;
    }
  if (ties != NULL && !g_str_equal (ties, "efron") && !g_str_equal (ties, "breslow"))
    {
      cs_json_doc_error (&doc, error, "$.ties", _("expected “efron” or “breslow” but found “%s”"), ties);
      return NULL;
    }
  model->breslow = g_strcmp0 (ties, "breslow") == 0;
  for (guint k = 0; strata != NULL && k < json_array_get_length (strata); k++)
    {
      JsonNode *item = json_array_get_element (strata, k);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_autofree char *path = g_strdup_printf ("$.strata[%u]", k);

          cs_json_doc_error (&doc, error, path, _("expected a variable key (a string) but found %s"),
                             cs_json_doc_type_name (item));
          return NULL;
        }
      g_ptr_array_add (model->strata_keys, g_strdup (json_node_get_string (item)));
    }

  if (!read_covariates (&doc, object, model, error) ||
      !read_terms (&doc, object, model, error) ||
      !read_training (&doc, object, model, error))
    return NULL;
  if (model->terms->len == 0)
    {
      cs_json_doc_error (&doc, error, "$.terms", "%s", _("the model has no terms"));
      return NULL;
    }
  return g_steal_pointer (&model);
}

gboolean
cs_cox_model_save (const CsCoxModel  *model,
                   const char        *path,
                   GError           **error)
{
  g_autofree char *json = cs_cox_model_to_json (model);

  return g_file_set_contents (path, json, -1, error);
}

CsCoxModel *
cs_cox_model_load (const char  *path,
                   GError     **error)
{
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return cs_cox_model_from_json (data, (gssize) length, path, error);
}

GPtrArray *
cs_cox_model_load_all (const char  *path,
                       GError     **error)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_cox_model_free);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CsSavedCohort) cohort = NULL;
  g_autofree char *data = NULL;
  JsonNode *format;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;

  /* a saved cohort, or a model (whose reader explains what is wrong) */
  root = json_from_string (data, NULL);
  format = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ?
           json_object_get_member (json_node_get_object (root), "format") : NULL;
  if (format == NULL || !JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_STRING ||
      !g_str_has_prefix (json_node_get_string (format), "cohortscope-cohort/"))
    {
      CsCoxModel *model = cs_cox_model_from_json (data, (gssize) length, path, error);

      if (model == NULL)
        return NULL;
      g_ptr_array_add (models, model);
      return g_steal_pointer (&models);
    }

  if (!(cohort = cs_saved_cohort_from_json (data, (gssize) length, path, error)))
    return NULL;
  for (guint i = 0; cohort->models != NULL && i < cohort->models->len; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s: $.models[%u]", path, i);
      CsCoxModel *model = cs_cox_model_from_json (g_ptr_array_index (cohort->models, i), -1, where, error);

      if (model == NULL)
        return NULL;
      if (model->cohort == NULL)
        model->cohort = g_strdup (cohort->name);
      g_ptr_array_add (models, model);
    }
  if (models->len == 0)
    {
      g_set_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_INVALID,
                   _("%s: the saved cohort “%s” holds no models"), path, cohort->name);
      return NULL;
    }
  return g_steal_pointer (&models);
}

/* -------------------------------------------------------------- scoring */

static gboolean
types_match (CsVariableType model,
             CsVariableType data)
{
  if (model == CS_VARIABLE_NUMERIC || model == CS_VARIABLE_DATE)
    return data == CS_VARIABLE_NUMERIC || data == CS_VARIABLE_DATE;
  return model == data;
}

/* The store's level index of a model level (code or display; true/false) */
static int
store_level (const CsVariable *var,
             const char       *level)
{
  if (var->type == CS_VARIABLE_BOOLEAN)
    return g_str_equal (level, "true") ? 1 : g_str_equal (level, "false") ? 0 : -1;
  return cs_variable_find_level (var, level);
}

static int
row_level (const CsVariable *var,
           guint             row)
{
  if (var->type == CS_VARIABLE_CATEGORICAL)
    return var->cat[row];
  return isnan (var->num[row]) ? -1 : var->num[row] != 0;
}

/* The scores of every patient; unknown[row] (when not NULL) is set for a
 * patient without one because of a level the model has no term for. */
static double *
model_score (const CsCoxModel  *model,
             CsStore           *store,
             guint8            *unknown,
             GError           **error)
{
  guint n = cs_store_get_n_patients (store);
  guint n_cov = model->covariates->len;
  g_autofree const CsVariable **vars = g_new0 (const CsVariable *, MAX (n_cov, 1));
  g_autofree int *term_level = g_new (int, MAX (model->terms->len, 1));
  g_autofree int *reference = g_new (int, MAX (n_cov, 1));
  g_autofree double *score = g_new (double, MAX (n, 1));

  for (guint c = 0; c < n_cov; c++)
    {
      const CsCoxModelCovariate *cov = g_ptr_array_index (model->covariates, c);
      const CsVariable *var = cs_store_lookup_variable (store, cov->key);

      if (var == NULL)
        {
          g_set_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_VARIABLE,
                       _("model “%s”: the data have no variable “%s”"), model->key, cov->key);
          return NULL;
        }
      if (!types_match (cov->type, var->type))
        {
          g_set_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_VARIABLE,
                       _("model “%s”: “%s” is %s in the data but %s in the model"), model->key, cov->key,
                       cs_variable_type_to_string (var->type), cs_variable_type_to_string (cov->type));
          return NULL;
        }
      vars[c] = var;
      /* a reference level the data do not have: no patient is at it */
      reference[c] = cov->reference != NULL ? store_level (var, cov->reference) : -1;
    }
  for (guint j = 0; j < model->terms->len; j++)
    {
      const CsCoxModelTerm *term = g_ptr_array_index (model->terms, j);

      term_level[j] = term->level != NULL ? store_level (vars[term->covariate], term->level) : -1;
    }

  for (guint row = 0; row < n; row++)
    {
      double sum = 0;
      gboolean missing = FALSE, unknown_level = FALSE;

      /* categorical values must be the reference or a level with a term */
      for (guint c = 0; c < n_cov && !missing; c++)
        {
          const CsVariable *var = vars[c];
          int level;
          gboolean known;

          if (var->type != CS_VARIABLE_CATEGORICAL && var->type != CS_VARIABLE_BOOLEAN)
            {
              missing = isnan (cs_variable_value_at (var, row));
              continue;
            }
          if ((level = row_level (var, row)) < 0)
            {
              missing = TRUE;
              continue;
            }
          known = level == reference[c];
          for (guint j = 0; j < model->terms->len && !known; j++)
            known = ((const CsCoxModelTerm *) g_ptr_array_index (model->terms, j))->covariate == c &&
                    term_level[j] == level;
          if (!known)
            missing = unknown_level = TRUE;
        }
      if (unknown != NULL)
        unknown[row] = unknown_level;
      if (missing)
        {
          score[row] = NAN;
          continue;
        }

      for (guint j = 0; j < model->terms->len; j++)
        {
          const CsCoxModelTerm *term = g_ptr_array_index (model->terms, j);
          const CsVariable *var = vars[term->covariate];
          double x;

          if (isnan (term->coef))
            continue;   /* aliased */
          if (term->level != NULL)
            x = row_level (var, row) == term_level[j] ? 1.0 : 0.0;
          else
            x = cs_variable_value_at (var, row);
          sum += term->coef * (x - term->mean);
        }
      score[row] = sum;
    }

  return g_steal_pointer (&score);
}

double *
cs_cox_model_score (const CsCoxModel  *model,
                    CsStore           *store,
                    guint             *n_unknown,
                    GError           **error)
{
  guint n = cs_store_get_n_patients (store);
  g_autofree guint8 *unknown = g_new0 (guint8, MAX (n, 1));
  double *score;

  g_return_val_if_fail (model != NULL && CS_IS_STORE (store), NULL);

  if (!(score = model_score (model, store, unknown, error)))
    return NULL;
  if (n_unknown != NULL)
    {
      *n_unknown = 0;
      for (guint row = 0; row < n; row++)
        *n_unknown += unknown[row];
    }
  return score;
}

CsVariable *
cs_cox_model_add_score (const CsCoxModel  *model,
                        CsStore           *store,
                        GError           **error)
{
  g_autofree double *score = cs_cox_model_score (model, store, NULL, error);

  if (score == NULL)
    return NULL;
  return cs_store_add_derived_variable (store, model->key,
                                        model->label != NULL ? model->label : _("Signature score"),
                                        NULL, score, error);
}

gboolean
cs_cox_model_validate (const CsCoxModel  *model,
                       CsStore           *store,
                       GArray            *rows,
                       CsAnalysisFlags    flags,
                       CsCoxValidation   *validation,
                       GError           **error)
{
  g_autofree double *score = NULL;
  g_autofree double *neg = NULL;
  g_autoptr(CsSurvivalInput) surv = NULL;
  g_autofree gint32 *stratum = NULL;
  g_autofree guint8 *unknown = NULL;
  g_autoptr(GPtrArray) strata_vars = g_ptr_array_new ();
  const CsVariable *time_var, *event_var = NULL;
  guint n = rows->len;

  g_return_val_if_fail (model != NULL && CS_IS_STORE (store) && validation != NULL, FALSE);

  memset (validation, 0, sizeof *validation);
  validation->n_selected = n;
  validation->concordance = NAN;
  validation->concordance_se = NAN;

  if (!(time_var = cs_store_lookup_variable (store, model->time_key)) ||
      (model->event_key != NULL && !(event_var = cs_store_lookup_variable (store, model->event_key))))
    {
      g_set_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_VARIABLE,
                   _("model “%s”: the data have no variable “%s” (the outcome it was fitted on)"), model->key,
                   time_var == NULL ? model->time_key : model->event_key);
      return FALSE;
    }
  for (guint k = 0; k < model->strata_keys->len; k++)
    {
      const CsVariable *var = cs_store_lookup_variable (store, g_ptr_array_index (model->strata_keys, k));

      if (var == NULL)
        {
          g_set_error (error, CS_COX_MODEL_ERROR, CS_COX_MODEL_ERROR_VARIABLE,
                       _("model “%s”: the data have no variable “%s” (a stratum of the model)"), model->key,
                       (const char *) g_ptr_array_index (model->strata_keys, k));
          return FALSE;
        }
      g_ptr_array_add (strata_vars, (gpointer) var);
    }
  unknown = g_new0 (guint8, MAX (cs_store_get_n_patients (store), 1));
  if (!(score = model_score (model, store, unknown, error)))
    return FALSE;
  if (!cs_survival_input_build (store, rows, time_var, event_var, NULL, NULL, "", flags, &surv, error))
    return FALSE;
  /* within strata, as the training concordance */
  if (strata_vars->len > 0)
    stratum = cs_analysis_cross_strata (rows, (const CsVariable *const *) strata_vars->pdata, strata_vars->len,
                                        flags, NULL);

  neg = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      guint row = g_array_index (rows, guint, i);

      validation->n_unknown += unknown[row];
      if (isnan (score[row]) || isnan (surv->time[i]) || (stratum != NULL && stratum[i] < 0))
        {
          neg[i] = NAN;
          continue;
        }
      neg[i] = -score[row];
      validation->n++;
      validation->n_events += surv->event[i];
    }
  validation->concordance = cs_stats_concordance_strata (surv->time, surv->event, neg, stratum, n,
                                                         &validation->concordance_se);
  return TRUE;
}
