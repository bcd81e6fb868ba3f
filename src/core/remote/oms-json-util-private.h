/* oms-json-util-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Reads the shape of one parsed document into @out; FALSE and an error on a wrong shape. */
typedef gboolean (*OmsJsonReadFunc) (JsonNode  *root,
                                     gpointer   out,
                                     GError   **error);

gboolean    _oms_json_read_response   (GBytes           *body,
                                       const char       *what,
                                       OmsJsonReadFunc   read_func,
                                       gpointer          out,
                                       GError          **error);
void        _oms_json_set_shape_error (GError          **error,
                                       const char       *format,
                                       ...) G_GNUC_PRINTF (2, 3);
JsonObject *_oms_json_get_object      (JsonNode         *node,
                                       const char       *where,
                                       GError          **error);
gboolean    _oms_json_require_string  (JsonObject       *object,
                                       const char       *where,
                                       const char       *member,
                                       char            **out,
                                       GError          **error);
gboolean    _oms_json_optional_string (JsonObject       *object,
                                       const char       *where,
                                       const char       *member,
                                       char            **out,
                                       GError          **error);
gboolean    _oms_json_require_uint    (JsonObject       *object,
                                       const char       *where,
                                       const char       *member,
                                       gint64           *out,
                                       GError          **error);
gboolean    _oms_json_require_int32   (JsonObject       *object,
                                       const char       *where,
                                       const char       *member,
                                       int              *out,
                                       GError          **error);
gboolean    _oms_json_require_bool    (JsonObject       *object,
                                       const char       *where,
                                       const char       *member,
                                       gboolean         *out,
                                       GError          **error);
gboolean    _oms_json_get_array       (JsonObject       *object,
                                       const char       *where,
                                       const char       *member,
                                       gboolean          required,
                                       JsonArray       **out,
                                       GError          **error);
void        _oms_json_append_string   (GString          *out,
                                       const char       *value);
void        _oms_json_append_member   (GString          *out,
                                       const char       *key);
void        _oms_json_append_int      (GString          *out,
                                       gint64            value);
gboolean    _oms_json_read_request    (GBytes           *body,
                                       const char       *what,
                                       OmsJsonReadFunc   read_func,
                                       gpointer          out,
                                       GError          **error);

G_END_DECLS
