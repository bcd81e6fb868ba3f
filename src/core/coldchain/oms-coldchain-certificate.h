/* oms-coldchain-certificate.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OMS_COLDCHAIN_CERTIFICATE_FILE "coldchain-cert.pem"
#define OMS_COLDCHAIN_KEY_FILE         "coldchain-key.pem"

GTlsCertificate  *oms_coldchain_certificate_ensure  (const char          *data_dir,
                                                     const char * const  *addresses,
                                                     GError             **error);

G_END_DECLS
