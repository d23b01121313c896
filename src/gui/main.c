/* main.c: the cohortscope GUI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cs-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CsApplication) app = NULL;
  /* COHORTSCOPE_LOCALEDIR lets tests run the uninstalled build translated. */
  const char *localedir = g_getenv ("COHORTSCOPE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Cohortscope"));

  app = cs_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
