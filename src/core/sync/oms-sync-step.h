/* oms-sync-step.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The steps of one sync run, in the order they run (PROTOCOL.md §1). */
typedef enum
{
  OMS_SYNC_STEP_PREPARE_INITIAL,
  OMS_SYNC_STEP_PUSH_V6,
  OMS_SYNC_STEP_PUSH,
  OMS_SYNC_STEP_PULL_CENTRAL,
  OMS_SYNC_STEP_PULL_REMOTE,
  OMS_SYNC_STEP_PULL_V6,
  OMS_SYNC_STEP_INTEGRATE,
} OmsSyncStep;

#define OMS_SYNC_N_STEPS (OMS_SYNC_STEP_INTEGRATE + 1)

const char *oms_sync_step_get_column_prefix (OmsSyncStep  step);
const char *oms_sync_step_get_nick          (OmsSyncStep  step);
gboolean    oms_sync_step_from_nick         (const char  *nick,
                                             OmsSyncStep *step);
const char *oms_sync_step_get_label         (OmsSyncStep  step);
gboolean    oms_sync_step_has_progress      (OmsSyncStep  step);

G_END_DECLS
