/* cs-explore-model.h: the Explore view's Model page
 *
 * A multivariable Cox model (src/core/analysis cs_cox_input_build, the fit
 * and cox.zph of src/core/stats) of a time-to-event variable on chosen
 * covariates (features and clinical variables), with reference levels for
 * categorical ones and optional strata, fitted off the main thread: the
 * forest plot, the coefficient table, the likelihood-ratio test, the
 * concordance, and the proportional-hazards check in plain words. The fit
 * becomes a signature (cs-cox-model.h): its score is saved as a derived
 * variable of the store, the model as JSON, and it is validated on another
 * cohort.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-chart-widget.h"
#include "cs-cox-model.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_EXPLORE_MODEL (cs_explore_model_get_type ())
G_DECLARE_FINAL_TYPE (CsExploreModel, cs_explore_model, CS, EXPLORE_MODEL, GtkBox)

/* Lists store's time-to-event variables, covariates and strata (NULL
 * clears); the fit follows with cs_explore_model_update(). */
void           cs_explore_model_set_store     (CsExploreModel *self,
                                               CsStore        *store);
/* Lists the store's variables again, keeping what was chosen (after a
 * derived variable was added). */
void           cs_explore_model_refresh_variables (CsExploreModel *self);
/* The store rows to use (a reference is kept) and how to name them in a
 * saved model ("all patients", "120 of 400 patients (filtered)"). */
void           cs_explore_model_set_rows      (CsExploreModel *self,
                                               GArray         *rows,
                                               const char     *cohort);
/* Builds the model's design for the current choices and starts the fit in
 * a thread (cancelling one under way). */
void           cs_explore_model_update        (CsExploreModel *self);
/* Chooses time_key, the covariates (NULL-terminated keys), references
 * ("KEY=LEVEL, …"; NULL: none) and strata_key (NULL: none), then updates;
 * FALSE when a key is unknown. */
gboolean       cs_explore_model_show          (CsExploreModel     *self,
                                               const char         *time_key,
                                               const char * const *covariates,
                                               const char         *references,
                                               const char         *strata_key);
/* TRUE while a fit runs */
gboolean       cs_explore_model_get_busy      (CsExploreModel *self);
CsChartWidget *cs_explore_model_get_chart     (CsExploreModel *self);
/* The text beside the chart: the tests, the concordance, warnings, or why
 * there is no model */
const char    *cs_explore_model_get_text      (CsExploreModel *self);
/* The fitted model as a signature (NULL without a usable fit; error says
 * why). The cohort named in set_rows() is its training cohort. */
CsCoxModel    *cs_explore_model_dup_model     (CsExploreModel *self,
                                               const char     *key,
                                               GError        **error);
/* Adds the score of the fitted model to the store as the derived variable
 * key (its label says what it is); the store's "variable-added" lets the
 * other views list it. */
CsVariable    *cs_explore_model_save_score    (CsExploreModel *self,
                                               const char     *key,
                                               GError        **error);
/* The coefficient table (CSV: term,hr,lower,upper,p_value,n) or the fit
 * (JSON, as `cohortscope-cli cox --json` names its fields) for an export;
 * nothing without a fit. */
void           cs_explore_model_write_stats   (CsExploreModel *self,
                                               gboolean        json,
                                               GString        *out);
/* Reports how the fitted model orders the patients rows of store (another
 * cohort) next to how it did on its training cohort, as text; NULL and an
 * error without a fit or when the store lacks a covariate. */
char          *cs_explore_model_validate      (CsExploreModel *self,
                                               CsStore        *store,
                                               GArray         *rows,
                                               const char     *name,
                                               GError        **error);

G_END_DECLS
