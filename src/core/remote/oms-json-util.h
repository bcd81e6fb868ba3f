/* oms-json-util.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void  oms_json_append_canonical (GString     *out,
                                 JsonNode    *node);
char *oms_json_to_canonical     (JsonNode    *node);
char *oms_json_canonicalise     (const char  *json,
                                 gssize       length,
                                 GError     **error);

G_END_DECLS
