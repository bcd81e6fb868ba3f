/* oms-v5-json-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oms-v5-json.h"

G_BEGIN_DECLS

OmsV5Error *_oms_v5_error_read   (JsonNode          *node,
                                  const char        *where,
                                  GError           **error);
void        _oms_v5_error_append (GString           *out,
                                  const OmsV5Error  *error_body);

G_END_DECLS
