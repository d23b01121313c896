/* test-patient-list-model.c: sorting, selection and row objects of the
 * patient table's model (GLib only, no display)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "cs-patient-list-model.h"

/* Store order: p10 p9 p1 p2 p100 p20; CEA values 5, -, 2, 5, 1, - */
static const char bundle[] =
  "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p10\",\"gender\":\"male\"}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p9\",\"gender\":\"female\"}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"male\"}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p2\"}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p100\",\"gender\":\"female\"}},"
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p20\",\"gender\":\"male\"}},"
#define CEA(id, patient, value) \
  "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," \
  "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2039-6\"}]}," \
  "\"subject\":{\"reference\":\"Patient/" patient "\"},\"effectiveDateTime\":\"2020-01-01\"," \
  "\"valueQuantity\":{\"value\":" value ",\"unit\":\"ng/mL\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"ng/mL\"}}}"
  CEA ("o1", "p10", "5") ","
  CEA ("o2", "p1", "2") ","
  CEA ("o3", "p2", "5") ","
  CEA ("o4", "p100", "1")
  "]}";

typedef struct
{
  CsStore            *store;
  CsPatientListModel *model;
  const CsVariable   *cea;
  const CsVariable   *gender;
  guint               n_changes;
  guint               last_removed;
  guint               last_added;
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  g_assert_cmpuint (position, ==, 0);
  f->n_changes++;
  f->last_removed = removed;
  f->last_added = added;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("cs-list-model-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, bundle, -1, &error));
  g_assert_no_error (error);

  f->store = cs_store_new ();
  g_assert_true (cs_store_load_path (f->store, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (f->store);
  g_unlink (path);
  g_assert_cmpuint (cs_store_get_n_patients (f->store), ==, 6);

  for (guint i = 0; i < cs_store_get_n_variables (f->store); i++)
    {
      const CsVariable *var = cs_store_get_variable (f->store, i);

      if (var->type == CS_VARIABLE_NUMERIC && var->n == 4)
        f->cea = var;
      if (g_strcmp0 (var->key, "gender") == 0)
        f->gender = var;
    }
  g_assert_nonnull (f->cea);
  g_assert_nonnull (f->gender);
  g_assert_cmpint (f->gender->type, ==, CS_VARIABLE_CATEGORICAL);

  f->model = cs_patient_list_model_new ();
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed), f);
  cs_patient_list_model_set_store (f->model, f->store);
  g_assert_cmpuint (f->n_changes, ==, 1);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->model);
  g_clear_object (&f->store);
}

/* The model's patient ids in order, joined by spaces */
static char *
dup_ids (Fixture *f)
{
  GListModel *model = G_LIST_MODEL (f->model);
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CsPatientRow) row = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (str, ' ');
      g_string_append (str, cs_store_get_patient_id (f->store, cs_patient_row_get_row (row)));
    }

  return g_string_free (str, FALSE);
}

#define assert_ids(f, expected) \
  G_STMT_START { g_autofree char *ids_ = dup_ids (f); g_assert_cmpstr (ids_, ==, expected); } G_STMT_END

static void
test_sort_id (Fixture       *f,
              gconstpointer  data)
{
  assert_ids (f, "p10 p9 p1 p2 p100 p20");

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_ID, NULL, NULL, FALSE);
  assert_ids (f, "p1 p2 p9 p10 p20 p100");
  /* One items-changed for the whole list */
  g_assert_cmpuint (f->n_changes, ==, 2);
  g_assert_cmpuint (f->last_removed, ==, 6);
  g_assert_cmpuint (f->last_added, ==, 6);

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_ID, NULL, NULL, TRUE);
  assert_ids (f, "p100 p20 p10 p9 p2 p1");

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_NONE, NULL, NULL, FALSE);
  assert_ids (f, "p10 p9 p1 p2 p100 p20");

  g_assert_cmpint (cs_patient_id_compare ("p9", "p10"), <, 0);
  g_assert_cmpint (cs_patient_id_compare ("p010", "p9"), >, 0);
  g_assert_cmpint (cs_patient_id_compare ("a", "a1"), <, 0);
  g_assert_cmpint (cs_patient_id_compare ("b2", "b2"), ==, 0);
}

static void
test_sort_numeric (Fixture       *f,
                   gconstpointer  data)
{
  /* Ties (5) keep store order; missing values last both ways, in store order */
  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_VARIABLE, f->cea, NULL, FALSE);
  assert_ids (f, "p100 p1 p10 p2 p9 p20");
  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_VARIABLE, f->cea, NULL, TRUE);
  assert_ids (f, "p10 p2 p1 p100 p9 p20");
}

static void
test_sort_categorical (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree gint32 *rank = g_new0 (gint32, f->gender->levels->len);
  int male = cs_variable_find_level (f->gender, "male");

  g_assert_cmpint (male, >=, 0);
  /* male before everything else */
  for (guint i = 0; i < f->gender->levels->len; i++)
    rank[i] = (int)i == male ? 0 : 1;

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_VARIABLE, f->gender, rank, FALSE);
  assert_ids (f, "p10 p1 p20 p9 p100 p2");
  /* The rank is copied */
  rank[male] = 5;
  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_VARIABLE, f->gender, NULL, TRUE);
  {
    g_autoptr(CsPatientRow) last = g_list_model_get_item (G_LIST_MODEL (f->model), 5);

    g_assert_cmpstr (cs_store_get_patient_id (f->store, cs_patient_row_get_row (last)), ==, "p2");
  }
}

static void
test_selection (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CsBitset) rows = cs_bitset_new (6);

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_ID, NULL, NULL, FALSE);
  cs_bitset_set (rows, 0);  /* p10 */
  cs_bitset_set (rows, 2);  /* p1 */
  cs_bitset_set (rows, 5);  /* p20 */
  cs_patient_list_model_set_selection (f->model, rows);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 3);
  g_assert_cmpuint (f->last_removed, ==, 6);
  g_assert_cmpuint (f->last_added, ==, 3);
  assert_ids (f, "p1 p10 p20");
  g_assert_cmpuint (cs_patient_list_model_find_row (f->model, 5), ==, 2);
  g_assert_cmpuint (cs_patient_list_model_find_row (f->model, 1), ==, G_MAXUINT);
  g_assert_cmpuint (cs_patient_list_model_get_n_total (f->model), ==, 6);

  /* Sorting keeps the selection */
  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_VARIABLE, f->cea, NULL, TRUE);
  assert_ids (f, "p10 p1 p20");
  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_NONE, NULL, NULL, FALSE);
  assert_ids (f, "p10 p1 p20");

  cs_patient_list_model_set_selection (f->model, NULL);
  assert_ids (f, "p10 p9 p1 p2 p100 p20");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->model), 6));
}

static void
test_row_objects (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CsPatientRow) first = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_autoptr(CsPatientRow) last = g_list_model_get_item (G_LIST_MODEL (f->model), 5);
  g_autoptr(CsBitset) rows = cs_bitset_new (6);

  /* The same object while held, pointing at the position's patient */
  {
    g_autoptr(CsPatientRow) again = g_list_model_get_item (G_LIST_MODEL (f->model), 0);

    g_assert_true (again == first);
  }
  g_assert_cmpuint (cs_patient_row_get_row (first), ==, 0);

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_ID, NULL, NULL, FALSE);
  g_assert_cmpuint (cs_patient_row_get_row (first), ==, 2);   /* p1 */
  g_assert_cmpuint (cs_patient_row_get_row (last), ==, 4);    /* p100 */
  g_assert_true (cs_patient_row_get_store (first) == f->store);

  /* Rows past the new end keep their last patient and are let go */
  cs_bitset_set (rows, 3);
  cs_patient_list_model_set_selection (f->model, rows);
  g_assert_cmpuint (cs_patient_row_get_row (first), ==, 3);
  g_assert_cmpuint (cs_patient_row_get_row (last), ==, 4);
  cs_patient_list_model_set_selection (f->model, NULL);
  g_assert_cmpuint (cs_patient_row_get_row (last), ==, 4);
  {
    g_autoptr(CsPatientRow) new_last = g_list_model_get_item (G_LIST_MODEL (f->model), 5);

    g_assert_true (new_last != last);
  }

  /* A row object may outlive the model */
  g_clear_object (&f->model);
  g_assert_cmpuint (cs_patient_row_get_row (first), ==, 2);
}

static void
test_store_change (Fixture       *f,
                   gconstpointer  data)
{
  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_VARIABLE, f->cea, NULL, FALSE);
  cs_patient_list_model_set_store (f->model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 0);
  /* The variable sort belonged to the old store */
  cs_patient_list_model_set_store (f->model, f->store);
  assert_ids (f, "p10 p9 p1 p2 p100 p20");

  cs_patient_list_model_sort (f->model, CS_PATIENT_SORT_ID, NULL, NULL, TRUE);
  cs_patient_list_model_set_store (f->model, NULL);
  cs_patient_list_model_set_store (f->model, f->store);
  assert_ids (f, "p100 p20 p10 p9 p2 p1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gui/patient-list-model/sort-id", test_sort_id);
  ADD ("/gui/patient-list-model/sort-numeric", test_sort_numeric);
  ADD ("/gui/patient-list-model/sort-categorical", test_sort_categorical);
  ADD ("/gui/patient-list-model/selection", test_selection);
  ADD ("/gui/patient-list-model/row-objects", test_row_objects);
  ADD ("/gui/patient-list-model/store-change", test_store_change);
#undef ADD

  return g_test_run ();
}
