/* cs-cli-demo.c: `cohortscope-cli demo`, the synthetic demo cohort
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <gio/gunixoutputstream.h>
#include <unistd.h>

#include "cs-cli.h"
#include "cs-demo.h"

#define MAX_PATIENTS 1000000

int
cs_cli_cmd_demo (int    argc,
                 char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *patients_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n_patients = CS_DEMO_DEFAULT_PATIENTS;
  guint64 seed = CS_DEMO_DEFAULT_SEED;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write the Bundle to FILE (“-” for standard output)"), N_("FILE") },
    { "patients", 0, 0, G_OPTION_ARG_STRING, &patients_text,
      N_("Number of patients, 1 to 1000000 (default 400)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Random seed, 0 to 18446744073709551615 (default 42)"), N_("S") },
    { NULL }
  };

  if (!cs_cli_parse_options (&argc, &argv, NULL,
                             _("Writes the synthetic lung-cancer demo cohort as one FHIR R4 Bundle "
                               "(type collection). The same --patients and --seed always give the "
                               "same bytes."),
                             entries))
    return CS_CLI_USAGE;

  if (argc > 1)
    {
      cs_cli_error (_("demo: unexpected argument “%s”"), argv[1]);
      return CS_CLI_USAGE;
    }

  if (output == NULL || *output == '\0')
    {
      cs_cli_error (_("demo: no output file given: use -o FILE (or -o - for standard output)"));
      return CS_CLI_USAGE;
    }

  if (patients_text != NULL &&
      !g_ascii_string_to_unsigned (patients_text, 10, 1, MAX_PATIENTS, &n_patients, &error))
    {
      cs_cli_error (_("demo: --patients “%s” is not a whole number from 1 to %u"),
                    patients_text, (guint) MAX_PATIENTS);
      return CS_CLI_USAGE;
    }

  if (seed_text != NULL &&
      !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, &error))
    {
      cs_cli_error (_("demo: --seed “%s” is not a whole number from 0 to %" PRIu64),
                    seed_text, G_MAXUINT64);
      return CS_CLI_USAGE;
    }

  if (g_str_equal (output, "-"))
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      if (!cs_demo_write (out, (guint) n_patients, seed, NULL, &error) ||
          !g_output_stream_close (out, NULL, &error))
        {
          cs_cli_error (_("demo: could not write to standard output: %s"), error->message);
          return CS_CLI_FAILED;
        }
    }
  else if (!cs_demo_write_file (output, (guint) n_patients, seed, NULL, &error))
    {
      cs_cli_error ("%s", error->message);
      return CS_CLI_FAILED;
    }

  return CS_CLI_OK;
}
