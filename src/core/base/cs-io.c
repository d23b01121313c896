/* cs-io.c: writing all of a buffer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* O_TMPFILE */

#include "config.h"

#include "cs-io.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

gboolean
cs_write_all (int            fd,
              gconstpointer  data,
              gsize          length,
              goffset        offset,
              gsize         *written)
{
  const char *p = data;
  gsize done = 0;

  while (done < length)
    {
      gsize chunk = MIN (length - done, (gsize) G_MAXSSIZE);
      gssize n = offset < 0 ? write (fd, p + done, chunk) : pwrite (fd, p + done, chunk, (off_t) (offset + (goffset) done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          if (written != NULL)
            *written = done;
          return FALSE;
        }
      done += (gsize) n;
    }
  if (written != NULL)
    *written = done;
  return TRUE;
}

int
cs_open_unlinked (const char *folder,
                  const char *prefix)
{
  g_autofree char *template = NULL;
  g_autofree char *path = NULL;
  int fd;

  if (folder == NULL)
    folder = g_get_tmp_dir ();
#ifdef O_TMPFILE
  if ((fd = open (folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
    return fd;
#endif
  template = g_strconcat (prefix, "-XXXXXX", NULL);
  path = g_build_filename (folder, template, NULL);
  if ((fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600)) < 0)
    return -1;
  g_unlink (path);
  return fd;
}
