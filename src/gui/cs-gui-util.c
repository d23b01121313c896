/* cs-gui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cs-gui-util.h"
#include "cs-ucum-display.h"

char *
cs_gui_format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static void
format_number (double  value,
               char   *buf,
               gsize   buf_len)
{
  double magnitude = fabs (value);

  if (value == floor (value) && magnitude < 1e15)
    g_snprintf (buf, buf_len, "%.0f", value);
  else if (magnitude >= 1e4 && magnitude < 1e15)
    g_snprintf (buf, buf_len, "%.1f", value);
  else if (magnitude >= 1e-3)
    g_snprintf (buf, buf_len, "%.5g", value);
  else
    g_snprintf (buf, buf_len, "%.3e", value);
}

void
cs_gui_format_cell (const CsVariable *var,
                    guint             row,
                    char             *buf,
                    gsize             buf_len)
{
  g_return_if_fail (var != NULL);
  g_return_if_fail (buf != NULL && buf_len > 0);

  buf[0] = '\0';

  if (row >= var->n_rows || cs_variable_is_missing (var, row))
    return;

  switch (var->type)
    {
    case CS_VARIABLE_NUMERIC:
      format_number (var->num[row], buf, buf_len);
      break;

    case CS_VARIABLE_BOOLEAN:
      g_strlcpy (buf, var->num[row] != 0 ? _("Yes") : _("No"), buf_len);
      break;

    case CS_VARIABLE_SURVIVAL:
      format_number (var->num[row], buf, buf_len);
      if (var->event != NULL && var->event[row] == 0)
        g_strlcat (buf, "+", buf_len);
      break;

    case CS_VARIABLE_CATEGORICAL:
      {
        const CsLevel *level = cs_variable_get_level (var, row);

        if (level != NULL)
          g_strlcpy (buf, level->display != NULL ? level->display : level->code, buf_len);
      }
      break;

    case CS_VARIABLE_DATE:
    default:
      {
        g_autofree char *text = cs_variable_format_cell (var, row, TRUE);

        g_strlcpy (buf, text != NULL ? text : "", buf_len);
      }
      break;
    }
}

char *
cs_gui_variable_title (const CsVariable *var)
{
  g_return_val_if_fail (var != NULL, NULL);

  /* the unit as clinicians write it (cs-ucum-display.h) */
  return cs_ucum_label (var->label != NULL && var->label[0] != '\0' ? var->label : var->key, var->unit);
}

gboolean
cs_gui_variable_is_informative (const CsVariable *var)
{
  g_return_val_if_fail (var != NULL, FALSE);

  if (var->n == 0)
    return FALSE;

  switch (var->type)
    {
    case CS_VARIABLE_CATEGORICAL:
      return var->levels != NULL && var->levels->len > 1;

    case CS_VARIABLE_BOOLEAN:
    case CS_VARIABLE_NUMERIC:
      {
        double first = NAN;

        for (guint i = 0; i < var->n_rows; i++)
          {
            if (isnan (var->num[i]))
              continue;
            if (isnan (first))
              first = var->num[i];
            else if (var->num[i] != first)
              return TRUE;
          }
        return FALSE;
      }

    case CS_VARIABLE_DATE:
    case CS_VARIABLE_SURVIVAL:
    default:
      return TRUE;
    }
}

GtkFileFilter *
cs_gui_fhir_file_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("FHIR JSON and NDJSON"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_pattern (filter, "*.ndjson");
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_mime_type (filter, "application/fhir+json");
  gtk_file_filter_add_mime_type (filter, "application/x-ndjson");

  return filter;
}

void
cs_gui_toast (GtkWidget  *widget,
              const char *message)
{
  while (widget != NULL)
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
      GtkRoot *root;

      if (overlay != NULL)
        {
          adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
          return;
        }
      /* A dialog: the window it belongs to */
      root = gtk_widget_get_root (widget);
      widget = GTK_IS_WINDOW (root) ? GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (root))) : NULL;
    }
  g_message ("%s", message);
}

gpointer
cs_gui_settings_new (void)
{
  static gsize warned;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, CS_SETTINGS_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      if (g_once_init_enter (&warned))
        {
          g_warning ("The GSettings schema %s is not installed; settings will not be saved. "
                     "Run from the build tree with GSETTINGS_SCHEMA_DIR=<build>/data.",
                     CS_SETTINGS_SCHEMA_ID);
          g_once_init_leave (&warned, 1);
        }
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static CsGuiUriLauncher uri_launcher;

void
cs_gui_set_uri_launcher (CsGuiUriLauncher launcher)
{
  uri_launcher = launcher;
}

void
cs_gui_launch_uri (GtkWindow  *parent,
                   const char *uri)
{
  g_return_if_fail (uri != NULL);

  if (uri_launcher != NULL)
    uri_launcher (parent, uri);
  else
    gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

/* ------------------------------------------------- drop-down search focus */

static GtkWidget *
find_search_entry (GtkWidget *root)
{
  if (GTK_IS_SEARCH_ENTRY (root))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_search_entry (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
focus_search_entry (gpointer data)
{
  GtkWidget *popover = data;
  GtkWidget *entry = gtk_widget_get_mapped (popover) ? find_search_entry (popover) : NULL;

  if (entry != NULL)
    gtk_widget_grab_focus (entry);
  g_object_unref (popover);
  return G_SOURCE_REMOVE;
}

/* after the popover has set its own focus */
static void
on_drop_down_popup_map (GtkWidget *popover)
{
  g_idle_add (focus_search_entry, g_object_ref (popover));
}

void
cs_gui_drop_downs_focus_search (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_DROP_DOWN (c))
        {
          if (!gtk_drop_down_get_enable_search (GTK_DROP_DOWN (c)))
            continue;
          for (GtkWidget *p = gtk_widget_get_first_child (c); p != NULL; p = gtk_widget_get_next_sibling (p))
            if (GTK_IS_POPOVER (p))
              g_signal_connect (p, "map", G_CALLBACK (on_drop_down_popup_map), NULL);
          continue;
        }
      cs_gui_drop_downs_focus_search (c);
    }
}

/* ------------------------------------------------------------------------ */
/* Tab out of lists */

static gboolean
on_list_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (list);
  gboolean backward;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return FALSE;
  backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;

  /* While the list takes no focus, the window's focus chain passes over it
   * from the item that has the focus to the widget after (or before) it. */
  gtk_widget_set_can_focus (list, FALSE);
  g_signal_emit_by_name (root, "move-focus", backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  gtk_widget_set_can_focus (list, TRUE);
  return TRUE;
}

void
cs_gui_list_tab_leaves (GtkWidget *list)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  g_return_if_fail (GTK_IS_LIST_VIEW (list) || GTK_IS_COLUMN_VIEW (list) || GTK_IS_LIST_BOX (list));

  /* before the items' own handling */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_list_key_pressed), NULL);
  gtk_widget_add_controller (list, keys);
}
