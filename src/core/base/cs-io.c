/* cs-io.c: writing all of a buffer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cs-io.h"

#include <errno.h>
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
