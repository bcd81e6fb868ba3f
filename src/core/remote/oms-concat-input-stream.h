/* oms-concat-input-stream.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OMS_TYPE_CONCAT_INPUT_STREAM (oms_concat_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (OmsConcatInputStream, oms_concat_input_stream, OMS, CONCAT_INPUT_STREAM,
                      GInputStream)

GInputStream *oms_concat_input_stream_new (GInputStream * const *streams,
                                           guint                 n_streams);

G_END_DECLS
