/* cs-io.h: writing all of a buffer, the one loop for it
 *
 * The mapping writer, the mapping engine's paged indexes, the store's
 * spill file and the CSV reader's copy of a stream each write a buffer to a
 * file and must not lose a byte to a short write or a signal; the first
 * three keep what they write in a file that no name reaches.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes all of data: at offset with pwrite, or, when offset is negative,
 * at the file's position with write (a FIFO, a device, O_APPEND). Short
 * writes go on; EINTR is retried. FALSE with errno set when a write fails
 * (EIO when one wrote nothing); *written, when not NULL, is how many bytes
 * went out either way. */
gboolean  cs_write_all  (int            fd,
                         gconstpointer  data,
                         gsize          length,
                         goffset        offset,
                         gsize         *written);

/* A new file, open to read and write, in folder (NULL: $TMPDIR) that no name
 * reaches, so that nothing is left behind whatever happens to the process:
 * O_TMPFILE where the file system has it, else made as prefix-XXXXXX and
 * unlinked at once. -1 with errno set when none can be made. */
int       cs_open_unlinked (const char    *folder,
                            const char    *prefix);

G_END_DECLS
