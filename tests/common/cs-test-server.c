/* cs-test-server.c: an HTTP(S) server on 127.0.0.1 for the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-test-server.h"

void
test_respond (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type != NULL ? content_type : "application/fhir+json",
                                    SOUP_MEMORY_COPY, body, strlen (body));
}

static gpointer
server_thread (gpointer data)
{
  TestServer *server = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);
  server->server = soup_server_new ("tls-certificate", server->certificate, NULL);
  soup_server_add_handler (server->server, NULL, server->handler, server->handler_data, NULL);
  if (!soup_server_listen_local (server->server, 0,
                                 SOUP_SERVER_LISTEN_IPV4_ONLY
                                 | (server->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                                 &error))
    g_error ("cannot listen: %s", error->message);
  uris = soup_server_get_uris (server->server);
  server->base = g_strdup_printf ("%s://127.0.0.1:%d/", server->certificate != NULL ? "https" : "http",
                                  g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&server->mutex);
  server->ready = TRUE;
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->mutex);

  g_main_loop_run (server->loop);

  for (guint i = 0; i < server->held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (server->held, i);

      test_respond (msg, server->held_status, NULL, "{}");
      soup_server_message_unpause (msg);
    }
  while (g_main_context_iteration (server->context, FALSE))
    ;
  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  while (g_main_context_iteration (server->context, FALSE))
    ;
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

TestServer *
test_server_start (SoupServerCallback handler,
                   gpointer           user_data,
                   GTlsCertificate   *certificate)
{
  TestServer *server = g_new0 (TestServer, 1);

  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->held_status = 503;
  server->held = g_ptr_array_new_with_free_func (g_object_unref);
  server->handler = handler;
  server->handler_data = user_data;
  server->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("test-server", server_thread, server);
  g_mutex_lock (&server->mutex);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);

  return server;
}

void
test_server_hold (TestServer        *server,
                  SoupServerMessage *msg)
{
  /* only the server's thread touches held */
  g_ptr_array_add (server->held, g_object_ref (msg));
  soup_server_message_pause (msg);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
test_server_stop (TestServer *server)
{
  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_ptr_array_unref (server->held);
  g_clear_object (&server->certificate);
  g_free (server->base);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server);
}
