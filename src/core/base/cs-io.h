/* cs-io.h: writing all of a buffer, the one loop for it
 *
 * The mapping writer, the mapping engine's paged indexes, the store's
 * spill file and the CSV reader's copy of a stream each write a buffer to a
 * file and must not lose a byte to a short write or a signal.
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

G_END_DECLS
