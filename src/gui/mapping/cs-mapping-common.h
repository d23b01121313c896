/* cs-mapping-common.h: what the Mapping page's panes share
 *
 * A file chooser that calls back with a local path, and emptying a list
 * box. The panes report errors with their "show-error" signal (heading,
 * message, hint), which the page shows and records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*CsMappingChosenFunc) (GtkWidget  *widget,
                                     const char *path,
                                     gpointer    data);

extern const char * const cs_mapping_table_patterns[];
extern const char * const cs_mapping_json_patterns[];

/* A native file chooser over widget's window; chosen is called with the
 * path when the user accepts, with NULL when they cancel (widget is kept
 * alive until then). */
void     cs_mapping_choose_file       (GtkWidget            *widget,
                                       GtkFileChooserAction  action,
                                       const char           *title,
                                       const char           *suggested_name,
                                       const char * const   *patterns,
                                       const char           *filter_name,
                                       CsMappingChosenFunc   chosen,
                                       gpointer              data);
void     cs_mapping_clear_list_box    (GtkListBox           *box);
/* Adds the "show-error" signal (heading, message, hint: strings, hint may
 * be NULL) to a pane class. */
guint    cs_mapping_add_error_signal  (GType                 type);

/* Test hook: the next file chooser is not shown; it answers path (NULL:
 * cancel) from an idle instead, and its title is kept for
 * _cs_mapping_get_last_chooser_title(). */
void        _cs_mapping_answer_next_chooser   (const char *path);
const char *_cs_mapping_get_last_chooser_title (void);

G_END_DECLS
