/* fhir-test-mode.h: run the FHIR client tests with either page parser
 *
 * The client parses pages on a parser thread or, on two cores with a local
 * server, on the network thread (want_parser_thread in cs-fhir-search.c).
 * The tests pin one: the parser thread by default, the network thread with
 * --parse-inline (meson runs both). Call before g_test_init().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

static inline void
fhir_test_choose_parse_mode (int   *argc,
                             char **argv)
{
  gboolean parse_inline = FALSE;
  int j = 1;

  for (int i = 1; i < *argc; i++)
    {
      if (g_str_equal (argv[i], "--parse-inline"))
        parse_inline = TRUE;
      else
        argv[j++] = argv[i];
    }
  *argc = j;
  argv[j] = NULL;
  g_setenv ("CS_FHIR_PARSE_THREAD", parse_inline ? "0" : "1", TRUE);
}
