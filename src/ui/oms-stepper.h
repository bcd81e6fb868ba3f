/* oms-stepper.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "oms-sync-engine.h"

G_BEGIN_DECLS

typedef enum
{
  OMS_STEPPER_STATE_ABSENT,     /* not a step of the current mode */
  OMS_STEPPER_STATE_PENDING,
  OMS_STEPPER_STATE_ACTIVE,
  OMS_STEPPER_STATE_COMPLETED,
  OMS_STEPPER_STATE_FAILED,
  OMS_STEPPER_STATE_SKIPPED,
} OmsStepperState;

#define OMS_TYPE_STEPPER (oms_stepper_get_type ())

G_DECLARE_FINAL_TYPE (OmsStepper, oms_stepper, OMS, STEPPER, GtkWidget)

GtkWidget       *oms_stepper_new                      (void);
void             oms_stepper_set_run                  (OmsStepper       *self,
                                                       const OmsSyncRun *run,
                                                       OmsSyncMode       mode,
                                                       gboolean          has_v6,
                                                       gboolean          is_syncing);
void             oms_stepper_set_waiting              (OmsStepper       *self,
                                                       gboolean          waiting);
OmsStepperState  oms_stepper_get_step_state           (OmsStepper       *self,
                                                       OmsSyncStep       step);
const char      *oms_stepper_get_step_progress_label  (OmsStepper       *self,
                                                       OmsSyncStep       step);
const char      *oms_stepper_get_step_accessible_label (OmsStepper      *self,
                                                       OmsSyncStep       step);
const char      *oms_stepper_get_step_icon_name       (OmsStepper       *self,
                                                       OmsSyncStep       step);
gboolean         oms_stepper_get_connector_filled     (OmsStepper       *self,
                                                       OmsSyncStep       step);
GtkWidget       *oms_stepper_get_error_button         (OmsStepper       *self,
                                                       OmsSyncStep       step);
guint            oms_stepper_get_n_steps              (OmsStepper       *self);

G_END_DECLS
