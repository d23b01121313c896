/* cs-cox-model.h: a fitted Cox model as a signature that travels
 *
 * A CsCoxModel keeps what it takes to compute a fitted model's linear
 * predictor — the "signature score" — on other data: the covariates (keys,
 * types, reference levels), the terms with their coefficients and the
 * means they are centred on, the outcome and strata it was fitted with,
 * and the cohort it was fitted on with its concordance there. Saved as
 * JSON (format "cohortscope-model/1", docs/STATISTICS.md), alone or in a
 * saved cohort's "models" list (cs-saved-cohort.h).
 *
 * The score of a patient is Σ β_j (x_j − mean_j) over the terms, exactly
 * R's predict(coxph(…), type = "lp"); an aliased term (β undefined) counts
 * 0. It is undefined when a covariate is missing, or when a categorical
 * value is neither the reference nor a level the model has a term for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cs-analysis.h"
#include "cs-stats.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_COX_MODEL_FORMAT "cohortscope-model/1"
#define CS_COX_MODEL_ERROR (cs_cox_model_error_quark ())

typedef enum
{
  CS_COX_MODEL_ERROR_INVALID,      /* malformed model JSON: the message names where and the JSON path */
  CS_COX_MODEL_ERROR_UNSUPPORTED,  /* written by a newer Cohortscope (cohortscope-model/N, N > 1) */
  CS_COX_MODEL_ERROR_INFINITE,     /* the fit has an infinite coefficient: it gives no usable score */
  CS_COX_MODEL_ERROR_VARIABLE,     /* the data lack a variable of the model, or it has another type */
} CsCoxModelError;

GQuark cs_cox_model_error_quark (void);

typedef struct
{
  char           *key;         /* the variable's key */
  CsVariableType  type;        /* numeric, date, boolean or categorical */
  char           *reference;   /* boolean/categorical: the reference level as `table` prints it; else NULL */
} CsCoxModelCovariate;

typedef struct
{
  char   *name;                /* "age_at_diagnosis", "stage_group=3B" */
  guint   covariate;           /* index into covariates */
  char   *level;               /* boolean/categorical: the level (code, true/false); else NULL */
  double  coef;                /* β; NAN when aliased (counts 0) */
  double  se;                  /* its standard error; NAN when aliased */
  double  mean;                /* the centring (R's fit$means) */
} CsCoxModelTerm;

typedef struct
{
  char      *key;              /* the score's variable key, e.g. "signature" */
  char      *label;            /* its label, or NULL */
  char      *created;          /* ISO 8601, UTC */
  char      *time_key;         /* the outcome it was fitted on */
  char      *event_key;        /* NULL: the time-to-event variable's own event flags */
  GPtrArray *strata_keys;      /* char* (may be empty) */
  gboolean   breslow;          /* ties: FALSE = Efron */
  GPtrArray *covariates;       /* CsCoxModelCovariate* */
  GPtrArray *terms;            /* CsCoxModelTerm* */
  /* the training cohort */
  char      *cohort;           /* its name or description ("all patients", a saved cohort, the filter) */
  char      *filter;           /* the filter that chose it, or NULL */
  char      *source;           /* the data it came from, or NULL */
  guint      n;
  guint      n_events;
  double     concordance;      /* C of the score on the training cohort */
  double     concordance_se;
} CsCoxModel;

/* The model of fit over input, its score named key (a valid variable key;
 * NULL: "signature"). CS_COX_MODEL_ERROR_INFINITE when a coefficient is
 * infinite. The training cohort's name, filter and source are the
 * caller's to set. */
CsCoxModel *cs_cox_model_new_from_fit (const CsCoxInput  *input,
                                       const CsCoxFit    *fit,
                                       const CsVariable  *time_var,
                                       const CsVariable  *event_var,
                                       const CsVariable *const *strata,
                                       guint              n_strata,
                                       const char        *key,
                                       GError           **error);
void        cs_cox_model_free         (CsCoxModel        *model);

/* JSON (pretty, with a final newline) */
char       *cs_cox_model_to_json      (const CsCoxModel  *model);
/* where names the data in messages (a file name), may be NULL */
CsCoxModel *cs_cox_model_from_json    (const char        *data,
                                       gssize             length,
                                       const char        *where,
                                       GError           **error);
gboolean    cs_cox_model_save         (const CsCoxModel  *model,
                                       const char        *path,
                                       GError           **error);
CsCoxModel *cs_cox_model_load         (const char        *path,
                                       GError           **error);
/* The models of a file: a model file (one), or a saved cohort with a
 * "models" list (each of them; a model without a training cohort gets the
 * cohort's name). A GPtrArray of CsCoxModel*; an error when the file holds
 * none, or one that does not read (naming it, e.g. FILE: $.models[1].terms). */
GPtrArray  *cs_cox_model_load_all     (const char        *path,
                                       GError           **error);

/* The score of each patient of store (cs_store_get_n_patients() values,
 * NAN where undefined). n_unknown (may be NULL) gets the number of
 * patients left without a score because a categorical value has no term
 * in the model. CS_COX_MODEL_ERROR_VARIABLE when store lacks a covariate
 * or has it with an incompatible type. */
double     *cs_cox_model_score        (const CsCoxModel  *model,
                                       CsStore           *store,
                                       guint             *n_unknown,
                                       GError           **error);
/* Adds the score to store as the derived numeric variable model->key
 * (cs_store_add_derived_variable), labelled model->label. */
CsVariable *cs_cox_model_add_score    (const CsCoxModel  *model,
                                       CsStore           *store,
                                       GError           **error);

/* The model applied to other patients: how well its score orders them. */
typedef struct
{
  guint   n_selected;          /* rows asked for */
  guint   n;                   /* with a score, a time, an event (and the strata) */
  guint   n_events;
  guint   n_unknown;           /* of the rows asked for: left out for a level the model has no term for */
  double  concordance;         /* Harrell's C of the score (higher score, shorter survival), within strata */
  double  concordance_se;
} CsCoxValidation;

/* Scores rows of store and computes the concordance with the model's
 * outcome (and strata) there. flags: CS_ANALYSIS_STRICT makes an event
 * other than 0/1 or a negative time an error (CS_ANALYSIS_ERROR). */
gboolean    cs_cox_model_validate     (const CsCoxModel  *model,
                                       CsStore           *store,
                                       GArray            *rows,
                                       CsAnalysisFlags    flags,
                                       CsCoxValidation   *validation,
                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCoxModel, cs_cox_model_free)

G_END_DECLS
