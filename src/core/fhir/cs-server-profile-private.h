/* cs-server-profile-private.h: test hooks of the saved servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-server-profile.h"

G_BEGIN_DECLS

/* Test hook: secrets in memory, no keyring; free with cs_secret_backend_free(). */
CsSecretBackend *_cs_secret_backend_new_memory (void);

G_END_DECLS
