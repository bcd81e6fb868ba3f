/* oms-json-gate.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one gate in front of every JSON parser that reads the network (PROTOCOL.md §0): a body
 * is refused before json-glib sees it when it is larger than its reader allows, nests deeper
 * than OMS_JSON_GATE_MAX_DEPTH, holds more than one value (`{…}{…}`, which json-glib reads as
 * its first object, leaking the second), or has an escape JSON does not allow (json-glib turns
 * a lone `\ud800` into bytes that are not UTF-8). json-glib recurses once per level of nesting
 * with no limit of its own, so 150 KB of `[[[…` overflows the stack of any thread; the gate is
 * a byte scan with no recursion. Real bodies of both sync APIs and of the cold chain API nest fewer than 10
 * levels deep (a record's data inside a batch inside an envelope).
 *
 * It is part of the protocol layer (omsync-protocol), which both ends link: the request parsers
 * of oms-v5-json.c and oms-v6-json.c run every body through it before reading it.
 */

#define OMS_JSON_GATE_MAX_DEPTH 64

/* A v5 or v6 answer read by the sync client: a pulled batch of 500 records is a few MB; a
 * record's data is at most a few hundred kB in Open mSupply's largest tables.
 */
#define OMS_JSON_GATE_MAX_RESPONSE_BYTES  (64u * 1024u * 1024u)
/* A request body read by omsync-central: a pushed batch of up to 1024 records. */
#define OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES  (64u * 1024u * 1024u)
/* A request body read by the cold chain server from a phone: a batch of temperature logs. */
#define OMS_JSON_GATE_MAX_COLDCHAIN_REQUEST_BYTES  (16u * 1024u * 1024u)

#define OMS_JSON_GATE_ERROR (oms_json_gate_error_quark ())

typedef enum
{
  OMS_JSON_GATE_ERROR_TOO_LARGE,
  OMS_JSON_GATE_ERROR_TOO_DEEP,
  OMS_JSON_GATE_ERROR_SEVERAL_VALUES,
  OMS_JSON_GATE_ERROR_BAD_ESCAPE,
} OmsJsonGateError;

GQuark   oms_json_gate_error_quark (void);

gboolean oms_json_gate_check       (const char  *data,
                                    gsize        length,
                                    gsize        max_bytes,
                                    GError     **error);
gsize    oms_json_gate_depth       (const char  *data,
                                    gsize        length);

G_END_DECLS
