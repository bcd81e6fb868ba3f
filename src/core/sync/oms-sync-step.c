/* oms-sync-step.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-step"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-sync-step.h"

typedef struct
{
  const char *column_prefix;  /* sync_log columns, as Open mSupply names them */
  const char *nick;           /* machine-readable name: CLI JSON, tests */
  const char *label;          /* what store staff read under the step */
  gboolean    has_progress;
} StepInfo;

static const StepInfo steps[OMS_SYNC_N_STEPS] = {
  /* Translators: the name of a sync step, shown under it in the sync window. Open mSupply calls
   * this step “Prepare initial”: the first sync gets the site ready. Use Open mSupply's own word
   * for it in your language (a noun or a short imperative, as Open mSupply does). */
  [OMS_SYNC_STEP_PREPARE_INITIAL] = { "prepare_initial", "prepare_initial", N_("Prepare"), FALSE },
  /* Translators: the name of a sync step (Open mSupply's step “Push V6”): records changed here
   * are sent (pushed) to the Open mSupply central server. V6 is version 6 of the sync protocol:
   * keep “V6”. Push here is the name of a step, not a button. */
  [OMS_SYNC_STEP_PUSH_V6] = { "push_v6", "push_v6", N_("Push V6"), TRUE },
  /* Translators: the name of a sync step (Open mSupply's step “Push”): records changed here are
   * sent (pushed) to the central server. The name of a step, not a button: use Open mSupply's
   * word for it. */
  [OMS_SYNC_STEP_PUSH] = { "push", "push", N_("Push"), TRUE },
  /* Translators: the name of a sync step (Open mSupply's step “Pull central”): records the
   * central server owns (items, names…) are fetched (pulled) from it. Use Open mSupply's words
   * for it. */
  [OMS_SYNC_STEP_PULL_CENTRAL] = { "pull_central", "pull_central", N_("Pull central"), TRUE },
  /* Translators: the name of a sync step (Open mSupply's step “Pull remote”): records this site
   * owns that other sites or the central server changed are fetched (pulled). Use Open mSupply's
   * words for it. */
  [OMS_SYNC_STEP_PULL_REMOTE] = { "pull_remote", "pull_remote", N_("Pull remote"), TRUE },
  /* Translators: the name of a sync step (Open mSupply's step “Pull V6”): records are fetched
   * (pulled) from the Open mSupply central server. V6 is version 6 of the sync protocol: keep
   * “V6”. */
  [OMS_SYNC_STEP_PULL_V6] = { "pull_v6", "pull_v6", N_("Pull V6"), TRUE },
  /* Translators: the name of a sync step (Open mSupply's step “Integrate”): the records received
   * are written into this site's database. Use Open mSupply's word for it. */
  [OMS_SYNC_STEP_INTEGRATE] = { "integration", "integrate", N_("Integrate"), TRUE },
};

const char *
oms_sync_step_get_column_prefix (OmsSyncStep step)
{
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return steps[step].column_prefix;
}

const char *
oms_sync_step_get_nick (OmsSyncStep step)
{
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return steps[step].nick;
}

gboolean
oms_sync_step_from_nick (const char  *nick,
                         OmsSyncStep *step)
{
  for (guint i = 0; i < OMS_SYNC_N_STEPS; i++)
    {
      if (g_strcmp0 (steps[i].nick, nick) == 0)
        {
          *step = (OmsSyncStep) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Returns: the translated label, e.g. "Pull central". */
const char *
oms_sync_step_get_label (OmsSyncStep step)
{
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, NULL);

  return _(steps[step].label);
}

/* Prepare never reports "done / total" (Open mSupply's stepper hides it too). */
gboolean
oms_sync_step_has_progress (OmsSyncStep step)
{
  g_return_val_if_fail (step < OMS_SYNC_N_STEPS, FALSE);

  return steps[step].has_progress;
}
