/* cs-fhir-cohort.c: loading a cohort from a FHIR server
 *
 * Which patients (all, a Group's members, a Patient search), which types
 * (the caller's, else the Patient-compartment types the CapabilityStatement
 * declares, else all of them, skipping those the server refuses) and how
 * their data come (by type for the whole server, else _revinclude when
 * declared for every type, else patient= chunks of the Patient pages). A
 * Group is found by Patient?_has:Group:member:_id= when the server
 * declares _has, else (or when that finds nobody or is refused) by reading
 * the Group. The load report says what was fetched, left out and cut
 * short; the offline copy is written only for a complete load.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-fhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cs-fhir-client-private.h"
#include "cs-json.h"

/* ------------------------------------------------------------------------ */
/* Types, chunks, Groups */

/* Every type of the R4 Patient compartment that has a `patient` search
 * parameter: those the CapabilityStatement declares are fetched (all of
 * them are tried when it declares none), so the store sees all of a
 * patient's record (follow-up dates come from any resource, e.g.
 * Encounters). */
static const char * const compartment_types[] = {
  "AllergyIntolerance", "BodyStructure", "CarePlan", "CareTeam", "Claim", "ClinicalImpression",
  "Condition", "Consent", "Coverage", "DetectedIssue", "DeviceRequest", "DeviceUseStatement",
  "DiagnosticReport", "DocumentReference", "Encounter", "EpisodeOfCare", "ExplanationOfBenefit",
  "FamilyMemberHistory", "Flag", "Goal", "ImagingStudy", "Immunization", "Media",
  "MedicationAdministration", "MedicationDispense", "MedicationRequest", "MedicationStatement",
  "NutritionOrder", "Observation", "Procedure", "QuestionnaireResponse", "RiskAssessment",
  "ServiceRequest", "Specimen", NULL
};

GStrv
cs_fhir_parse_type_list (const char  *text,
                         GError     **error)
{
  g_auto(GStrv) words = g_strsplit_set (text != NULL ? text : "", ", \t", -1);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean ok = g_ascii_isupper (words[i][0]);

      if (words[i][0] == '\0')
        continue;
      for (const char *c = words[i]; ok && *c != '\0'; c++)
        ok = g_ascii_isalpha (*c);
      if (!ok)
        {
          g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                       _("“%s” is not a FHIR resource type (e.g. Observation, Condition)"), words[i]);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (types, words[i], g_str_equal, NULL))
        g_ptr_array_add (types, g_strdup (words[i]));
    }
  if (types->len == 0)
    {
      g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED,
                           _("No resource type given (e.g. Observation, Condition)"));
      return NULL;
    }
  g_ptr_array_add (types, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&types), FALSE);
}

static char *
join_ids (GPtrArray  *ids,
          guint       start,
          guint       end,
          const char *prefix)
{
  GString *s = g_string_new (NULL);

  for (guint i = start; i < end; i++)
    {
      if (i > start)
        g_string_append_c (s, ',');
      g_string_append (s, prefix);
      g_string_append_uri_escaped (s, g_ptr_array_index (ids, i), "-.", FALSE);
    }
  return g_string_free (s, FALSE);
}

static void
cohort_add_data_chunk (CsFhirOp  *op,
                       GPtrArray *ids,
                       guint      start,
                       guint      end)
{
  /* "Patient/id" works on every server; a bare id not on all */
  g_autofree char *joined = join_ids (ids, start, end, "Patient/");

  for (guint t = 0; op->types[t] != NULL; t++)
    {
      g_autofree char *query = g_strdup_printf ("patient=%s", joined);

      _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, op->types[t], query);
    }
}

/* Turns collected Patient ids into patient= chunk searches */
static void
cohort_flush_ids (CsFhirOp *op,
                  gboolean  all)
{
  GPtrArray *ids = op->pending_ids;
  guint start = 0;

  while (ids->len - start >= op->chunk_size || (all && ids->len > start))
    {
      guint end = MIN (start + op->chunk_size, ids->len);

      cohort_add_data_chunk (op, ids, start, end);
      start = end;
    }
  g_ptr_array_remove_range (ids, 0, start);
}

static char *
patient_id_from_reference (const char *reference)
{
  const char *slash;

  if (reference == NULL)
    return NULL;
  /* Patient/x, https://host/fhir/Patient/x, Patient/x/_history/2 */
  slash = strstr (reference, "Patient/");
  if (slash == NULL)
    return NULL;
  slash += strlen ("Patient/");
  return g_strndup (slash, strcspn (slash, "/?#"));
}

static GPtrArray *
read_group_members (CsFhirOp    *op,
                    const char  *group_id,
                    GError     **error)
{
  g_autofree char *escaped = g_uri_escape_string (group_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("Group/%s", escaped);
  g_autofree char *url = cs_fhir_client_build_url (op->client, path, NULL, FALSE);
  g_autoptr(CsJsonDocument) doc = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const CsJsonNode *root;

  if (!(doc = cs_fhir_op_get_json (op, url, error)))
    return NULL;
  root = cs_json_document_get_root (doc);
  if (g_strcmp0 (cs_json_get_string (root, "resourceType"), "Group") != 0)
    {
      g_autofree char *shown = cs_fhir_redact_url (url);

      g_set_error (error, CS_FHIR_ERROR, CS_FHIR_ERROR_BAD_RESPONSE,
                   _("The answer to %s is not a Group"), shown);
      return NULL;
    }
  for (const CsJsonNode *m = cs_json_first (cs_json_get (root, "member")); m != NULL; m = m->next)
    {
      char *id = patient_id_from_reference (cs_json_get_string (cs_json_get (m, "entity"), "reference"));

      if (id != NULL && *id != '\0')
        g_ptr_array_add (ids, id);
      else
        g_free (id);
    }
  return g_steal_pointer (&ids);
}

static const char *
declared_revinclude (const CsFhirCapabilities *caps,
                     const char               *type)
{
  g_autofree char *by_patient = g_strdup_printf ("%s:patient", type);
  g_autofree char *by_subject = g_strdup_printf ("%s:subject", type);

  if (cs_fhir_capabilities_has_revinclude (caps, "Patient", by_patient))
    return "patient";
  if (cs_fhir_capabilities_has_revinclude (caps, "Patient", by_subject))
    return "subject";
  return NULL;
}

static char *
revinclude_query (CsFhirOp                 *op,
                  const CsFhirCapabilities *caps,
                  const char               *query)
{
  GString *q = g_string_new (query);

  for (guint t = 0; op->types[t] != NULL; t++)
    {
      const char *param = caps != NULL ? declared_revinclude (caps, op->types[t]) : NULL;

      if (q->len > 0)
        g_string_append_c (q, '&');
      g_string_append_printf (q, "_revinclude=%s:%s", op->types[t], param != NULL ? param : "patient");
    }
  return g_string_free (q, FALSE);
}

static gboolean
all_revincludes_declared (CsFhirOp                 *op,
                          const CsFhirCapabilities *caps)
{
  if (caps == NULL)
    return FALSE;
  for (guint t = 0; op->types[t] != NULL; t++)
    if (declared_revinclude (caps, op->types[t]) == NULL)
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Loading */

/* A Patient search (all patients, the user's query, or a Group's members by
 * _has) and then their data by the method chosen. */
static void
cohort_schedule_search (CsFhirOp                 *op,
                        const CsFhirCapabilities *caps,
                        CsFhirFetchMethod         method,
                        const char               *query)
{
  if (query != NULL && *query == '?')
    query++;
  if (method == CS_FHIR_FETCH_BY_TYPE)
    {
      op->report_total = TRUE;
      _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, "Patient", NULL);
      for (guint t = 0; op->types[t] != NULL; t++)
        _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, op->types[t], NULL);
    }
  else if (method == CS_FHIR_FETCH_REVINCLUDE)
    {
      g_autofree char *q = revinclude_query (op, caps, query);

      _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, "Patient", q);
    }
  else
    {
      op->pending_ids = g_ptr_array_new_with_free_func (g_free);
      op->patients_paged = cohort_flush_ids;
      _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_PATIENTS, "Patient", query);
    }
}

/* A Group's members read from Group/<id>, then Patient?_id= and their data
 * in chunks: works on every server. */
static gboolean
cohort_schedule_group_read (CsFhirOp                 *op,
                            const CsFhirCapabilities *caps,
                            CsFhirFetchMethod         method,
                            const char               *group_id,
                            GError                  **error)
{
  g_autoptr(GPtrArray) ids = NULL;

  if (!(ids = read_group_members (op, group_id, error)))
    return FALSE;
  for (guint start = 0; start < ids->len; start += op->chunk_size)
    {
      guint end = MIN (start + op->chunk_size, ids->len);
      g_autofree char *joined = join_ids (ids, start, end, "");
      g_autofree char *q = g_strdup_printf ("_id=%s", joined);

      if (method == CS_FHIR_FETCH_REVINCLUDE)
        {
          g_autofree char *rq = revinclude_query (op, caps, q);

          _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, "Patient", rq);
        }
      else
        {
          _cs_fhir_op_add_search (op, CS_FHIR_CHAIN_DATA, "Patient", q);
          cohort_add_data_chunk (op, ids, start, end);
        }
    }
  return TRUE;
}

/* Whether Patient?_has:Group:member:_id=<id> can stand for reading the Group */
static gboolean
declares_has (const CsFhirCapabilities *caps)
{
  return caps != NULL && (cs_fhir_capabilities_has_search_param (caps, "Patient", "_has") ||
                          cs_fhir_capabilities_has_search_param (caps, "*", "_has"));
}

/* A _has search that the server turned down before sending anything: read
 * the Group instead. Authentication, rate limits, network errors and
 * cancelling are the user's to see. */
static gboolean
has_search_refused (CsFhirOp     *op,
                    const GError *error)
{
  guint status = op->last_error_status;

  if (op->stats.resources > 0 || !g_error_matches (error, CS_FHIR_ERROR, CS_FHIR_ERROR_HTTP))
    return FALSE;
  return status == SOUP_STATUS_NOT_IMPLEMENTED ||
         (status >= 400 && status < 500 && status != SOUP_STATUS_UNAUTHORIZED &&
          status != SOUP_STATUS_FORBIDDEN && status != 429);
}

static CsFhirOp *
cohort_op_new (CsFhirClient           *self,
               const CsFhirCohortSpec *spec,
               CsStore                *store,
               CsFhirProgressFunc      progress,
               gpointer                progress_data,
               GCancellable           *cancellable,
               CsFhirCacheWriter      *cache,
               CsFhirLoadReport       *report)
{
  CsFhirOp *op = cs_fhir_op_new (self, cancellable);

  op->types = (const char **) spec->resource_types;
  op->func = cs_store_add_resource;
  op->func_data = store;
  op->progress = progress;
  op->progress_data = progress_data;
  _cs_fhir_op_init_searches (op);
  op->chunk_size = spec->chunk_size > 0 ? spec->chunk_size : 50;
  op->cache = cache;
  op->report = report;
  return op;
}

/* Which types to fetch: the caller's; else the Patient-compartment types
 * the CapabilityStatement declares; else, when it declares none of them
 * or there is none (types_out NULL), all of them, trying each (a type the
 * server refuses is skipped). types_out holds the declared ones. */
static CsFhirTypeChoice
choose_types (const CsFhirCohortSpec    *spec,
              const CsFhirCapabilities  *caps,
              GPtrArray                **types_out)
{
  g_autoptr(GPtrArray) types = NULL;

  *types_out = NULL;
  if (spec->resource_types != NULL)
    return CS_FHIR_TYPES_ASKED;
  if (caps == NULL)
    return CS_FHIR_TYPES_NO_METADATA;
  types = g_ptr_array_new ();
  for (guint i = 0; compartment_types[i] != NULL; i++)
    if (_cs_fhir_capabilities_declares (caps, compartment_types[i]))
      g_ptr_array_add (types, (gpointer) compartment_types[i]);
  if (types->len == 0)
    return CS_FHIR_TYPES_NONE_DECLARED;
  g_ptr_array_add (types, NULL);
  *types_out = g_steal_pointer (&types);
  return CS_FHIR_TYPES_DECLARED;
}

gboolean
cs_fhir_client_load_cohort_full (CsFhirClient           *self,
                                 const CsFhirCohortSpec *spec,
                                 CsStore                *store,
                                 CsFhirProgressFunc      progress,
                                 gpointer                progress_data,
                                 CsFhirLoadReport      **report_out,
                                 GCancellable           *cancellable,
                                 GError                **error)
{
  g_autoptr(CsFhirOp) op = NULL;
  g_autoptr(CsFhirCapabilities) caps = NULL;
  g_autoptr(CsFhirCacheWriter) cache = NULL;
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(CsFhirLoadReport) report = cs_fhir_load_report_new ();
  g_autoptr(GError) meta_error = NULL;
  CsFhirTypeChoice choice = CS_FHIR_TYPES_ASKED;
  CsFhirFetchMethod method;
  CsFhirCohortSpec all_spec = { 0 };
  gboolean ran = FALSE;

  g_return_val_if_fail (CS_IS_FHIR_CLIENT (self), FALSE);
  g_return_val_if_fail (CS_IS_STORE (store), FALSE);

  if (spec == NULL)
    spec = &all_spec;

  if (spec->write_cache && !(cache = cs_fhir_cache_writer_new (self->base_url, error)))
    return FALSE;
  op = cohort_op_new (self, spec, store, progress, progress_data, cancellable, cache, report);
  method = spec->method;

  if (method == CS_FHIR_FETCH_AUTO && spec->kind == CS_FHIR_COHORT_ALL)
    method = CS_FHIR_FETCH_BY_TYPE;
  if (method == CS_FHIR_FETCH_BY_TYPE && spec->kind != CS_FHIR_COHORT_ALL)
    method = CS_FHIR_FETCH_AUTO;

  if (method == CS_FHIR_FETCH_AUTO || method == CS_FHIR_FETCH_REVINCLUDE || op->types == NULL)
    {
      caps = _cs_fhir_read_metadata (op, &meta_error);
      if (meta_error != NULL)
        {
          if (meta_error->code == CS_FHIR_ERROR_CANCELLED || meta_error->code == CS_FHIR_ERROR_TLS ||
              meta_error->code == CS_FHIR_ERROR_NETWORK || meta_error->code == CS_FHIR_ERROR_TIMEOUT)
            {
              g_propagate_error (error, g_steal_pointer (&meta_error));
              return FALSE;
            }
          g_debug ("No usable CapabilityStatement (%s)", meta_error->message);
        }
      choice = choose_types (spec, caps, &types);
      if (types != NULL)
        op->types = (const char **) types->pdata;
      else if (op->types == NULL)
        {
          /* nothing declared: try every type, skip those the server refuses */
          op->types = (const char **) compartment_types;
          op->types_guessed = TRUE;
        }
      if (method == CS_FHIR_FETCH_AUTO)
        method = all_revincludes_declared (op, caps) ? CS_FHIR_FETCH_REVINCLUDE : CS_FHIR_FETCH_PATIENT_CHUNKS;
    }
  cs_fhir_load_report_set_types (report, choice, meta_error != NULL ? meta_error->message : NULL,
                                 (const char * const *) op->types, compartment_types);

  switch (spec->kind)
    {
    case CS_FHIR_COHORT_ALL:
    case CS_FHIR_COHORT_SEARCH:
      cohort_schedule_search (op, caps, method, spec->kind == CS_FHIR_COHORT_SEARCH ? spec->patient_query : NULL);
      break;

    case CS_FHIR_COHORT_GROUP:
      if (spec->group_id == NULL || *spec->group_id == '\0')
        {
          g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED, _("No Group id given"));
          return FALSE;
        }
      if (declares_has (caps))
        {
          /* The server pages through the members itself: no Group to read
           * whole, no long _id lists. Nothing found may mean a server that
           * cannot follow the Group's references: the Group decides. */
          g_autofree char *escaped = g_uri_escape_string (spec->group_id, NULL, FALSE);
          g_autofree char *query = g_strdup_printf ("_has:Group:member:_id=%s", escaped);
          g_autoptr(GError) has_error = NULL;
          const char **op_types = op->types;
          gboolean guessed = op->types_guessed;

          cohort_schedule_search (op, caps, method, query);
          ran = _cs_fhir_op_run_searches (op, &has_error) && op->stats.resources > 0;
          if (ran)
            break;
          if (has_error != NULL && !has_search_refused (op, has_error))
            {
              g_propagate_error (error, g_steal_pointer (&has_error));
              return FALSE;
            }
          g_debug ("Patient?%s gave nothing (%s); reading Group/%s", query,
                   has_error != NULL ? has_error->message : "no patients", spec->group_id);
          /* what the _has search found out is moot: it brought nothing */
          g_clear_pointer (&op, cs_fhir_op_free);
          g_clear_pointer (&report, cs_fhir_load_report_free);
          report = cs_fhir_load_report_new ();
          cs_fhir_load_report_set_types (report, choice, meta_error != NULL ? meta_error->message : NULL,
                                         (const char * const *) op_types, compartment_types);
          op = cohort_op_new (self, spec, store, progress, progress_data, cancellable, cache, report);
          op->types = op_types;
          op->types_guessed = guessed;
        }
      if (!cohort_schedule_group_read (op, caps, method, spec->group_id, error))
        return FALSE;
      break;

    default:
      g_set_error_literal (error, CS_FHIR_ERROR, CS_FHIR_ERROR_FAILED, _("Unknown kind of cohort"));
      return FALSE;
    }

  if (!ran && !_cs_fhir_op_run_searches (op, error))
    return FALSE;

  if (cache != NULL)
    {
      op->cache = NULL;
      /* an incomplete load must not pass for the server's cohort offline:
       * the previous copy stays */
      if (!cs_fhir_load_report_is_complete (report))
        cs_fhir_load_report_set_cache_skipped (report);
      else if (!cs_fhir_cache_writer_commit (cache, error))
        return FALSE;
    }
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return TRUE;
}

gboolean
cs_fhir_client_load_cohort (CsFhirClient           *self,
                            const CsFhirCohortSpec *spec,
                            CsStore                *store,
                            CsFhirProgressFunc      progress,
                            gpointer                progress_data,
                            GCancellable           *cancellable,
                            GError                **error)
{
  return cs_fhir_client_load_cohort_full (self, spec, store, progress, progress_data, NULL,
                                          cancellable, error);
}

/* Async wrapper */

typedef struct
{
  CsFhirCohortSpec    spec;
  char               *group_id;
  char               *patient_query;
  GStrv               types;
  CsFhirProgressFunc  progress;
  gpointer            progress_data;
  GDestroyNotify      progress_data_destroy;
  GMainContext       *caller_context;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *ld = data;

  if (ld->progress_data_destroy != NULL)
    ld->progress_data_destroy (ld->progress_data);
  g_free (ld->group_id);
  g_free (ld->patient_query);
  g_strfreev (ld->types);
  g_main_context_unref (ld->caller_context);
  g_free (ld);
}

typedef struct
{
  CsFhirProgress  progress;
  GTask          *task;
} ProgressIdle;

static gboolean
progress_idle_cb (gpointer data)
{
  ProgressIdle *pi = data;
  LoadData *ld = g_task_get_task_data (pi->task);

  if (!g_task_get_completed (pi->task) && ld->progress != NULL)
    ld->progress (&pi->progress, ld->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_idle_free (gpointer data)
{
  ProgressIdle *pi = data;

  g_object_unref (pi->task);
  g_free (pi);
}

static void
thread_progress_cb (const CsFhirProgress *progress,
                    gpointer              data)
{
  GTask *task = data;
  LoadData *ld = g_task_get_task_data (task);
  ProgressIdle *pi = g_new0 (ProgressIdle, 1);

  pi->progress = *progress;
  pi->task = g_object_ref (task);
  g_main_context_invoke_full (ld->caller_context, G_PRIORITY_DEFAULT, progress_idle_cb, pi, progress_idle_free);
}

static void
load_cohort_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CsFhirClient *self = source_object;
  LoadData *ld = task_data;
  g_autoptr(CsStore) store = cs_store_new ();
  CsFhirLoadReport *report = NULL;
  GError *error = NULL;

  if (!cs_fhir_client_load_cohort_full (self, &ld->spec, store,
                                        ld->progress != NULL ? thread_progress_cb : NULL, task,
                                        &report, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cs_fhir_store_set_load_report (store, report);
  cs_store_finish (store);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

void
cs_fhir_client_load_cohort_async (CsFhirClient           *self,
                                  const CsFhirCohortSpec *spec,
                                  CsFhirProgressFunc      progress,
                                  gpointer                progress_data,
                                  GDestroyNotify          progress_data_destroy,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *ld = g_new0 (LoadData, 1);

  g_return_if_fail (CS_IS_FHIR_CLIENT (self));

  if (spec != NULL)
    ld->spec = *spec;
  ld->group_id = g_strdup (ld->spec.group_id);
  ld->patient_query = g_strdup (ld->spec.patient_query);
  ld->types = ld->spec.resource_types != NULL ? g_strdupv ((char **) ld->spec.resource_types) : NULL;
  ld->spec.group_id = ld->group_id;
  ld->spec.patient_query = ld->patient_query;
  ld->spec.resource_types = (const char * const *) ld->types;
  ld->progress = progress;
  ld->progress_data = progress_data;
  ld->progress_data_destroy = progress_data_destroy;
  ld->caller_context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_fhir_client_load_cohort_async);
  g_task_set_task_data (task, ld, load_data_free);
  g_task_run_in_thread (task, load_cohort_thread);
}

CsStore *
cs_fhir_client_load_cohort_finish (CsFhirClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* The CLI's entry point */

typedef struct
{
  CsIngestProgressFunc func;
  gpointer             data;
} IngestProgressAdapter;

static void
ingest_progress_adapter (const CsFhirProgress *progress,
                         gpointer              data)
{
  IngestProgressAdapter *adapter = data;

  adapter->func (progress->bytes, 0, progress->resources, adapter->data);
}

gboolean
cs_fhir_load_into_store (const char           *base_url,
                         CsStore              *store,
                         CsIngestProgressFunc  progress,
                         gpointer              progress_data,
                         GCancellable         *cancellable,
                         GError              **error)
{
  g_autoptr(CsFhirClient) client = NULL;
  IngestProgressAdapter adapter = { progress, progress_data };

  if (!(client = cs_fhir_client_new (base_url, error)))
    return FALSE;
  cs_fhir_client_configure_from_env (client);

  return cs_fhir_client_load_cohort (client, NULL, store,
                                     progress != NULL ? ingest_progress_adapter : NULL, &adapter,
                                     cancellable, error);
}
