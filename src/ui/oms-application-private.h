/* oms-application-private.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-application.h"
#include "oms-coldchain-server.h"
#include "oms-site-owner.h"
#include "oms-window.h"

G_BEGIN_DECLS

void                _oms_application_actions_init             (OmsApplication *self);
OmsWindow          *_oms_application_get_main_window          (OmsApplication *self);
OmsColdchainServer *_oms_application_get_coldchain_server     (OmsApplication *self);
const GError       *_oms_application_get_coldchain_error      (OmsApplication *self);
gboolean            _oms_application_restart_coldchain_server (OmsApplication *self);
OmsSiteOwner       *_oms_application_get_site_owner           (OmsApplication *self);
gboolean            _oms_application_retry_coldchain_server   (OmsApplication *self);

G_END_DECLS
