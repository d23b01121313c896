/* cs-test-standin.h: the loopback FHIR stand-in of
 * tests/fhir/test-fhir-push-large.py (--serve) in a child process
 *
 * A small FHIR server on 127.0.0.1 (batch Bundles of reads, Type?_id=
 * searches, transaction/batch Bundles of PUTs) that refuses, with an
 * OperationOutcome, any resource holding the text "cs-test-refuse". The
 * child dies with the test, even when an assertion aborts it. Needs
 * python3 and CS_SOURCE_ROOT; GLib only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *url;      /* http://127.0.0.1:port/ */
} TestStandin;

/* FALSE (nothing started) without python3 or CS_SOURCE_ROOT. */
gboolean  test_standin_start (TestStandin *standin);
void      test_standin_stop  (TestStandin *standin);

G_END_DECLS
