/* cs-test-server.h: an HTTP(S) server on 127.0.0.1 for the tests
 *
 * A SoupServer in a thread of its own (the code under test runs its own
 * main loops), answering every path through the test's handler. Shared by
 * the FHIR client tests and the GUI tests; needs GLib and libsoup only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  GMutex        mutex;       /* also guards what the test's handler keeps */
  char         *base;        /* http://127.0.0.1:port/ (https:// with a certificate) */
  guint         held_status; /* answer to held messages when it stops: 503 unless changed */

  /* private */
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GTlsCertificate *certificate;
  GCond         cond;
  gboolean      ready;
  GPtrArray    *held;        /* SoupServerMessage*, touched by the server's thread only */
  SoupServerCallback handler;
  gpointer      handler_data;
} TestServer;

/* Listens on a free port of 127.0.0.1; handler(user_data) answers every
 * path. With a certificate, HTTPS. */
TestServer *test_server_start     (SoupServerCallback   handler,
                                   gpointer             user_data,
                                   GTlsCertificate     *certificate);
/* From the handler: leaves msg unanswered until the server stops (then
 * held_status with "{}"). */
void        test_server_hold      (TestServer          *server,
                                   SoupServerMessage   *msg);
void        test_server_stop      (TestServer          *server);
/* Answers msg with status and body of content_type (NULL: FHIR JSON). */
void        test_respond          (SoupServerMessage   *msg,
                                   guint                status,
                                   const char          *content_type,
                                   const char          *body);

G_END_DECLS
