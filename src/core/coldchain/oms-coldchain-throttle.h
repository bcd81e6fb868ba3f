/* oms-coldchain-throttle.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* After this many failed logins within the window, an address (or an address trying one
 * username) is locked out: first for a minute, then twice as long each time, up to the cap.
 */
#define OMS_COLDCHAIN_THROTTLE_MAX_FAILURES        5
#define OMS_COLDCHAIN_THROTTLE_WINDOW_SECONDS      (15 * 60)
#define OMS_COLDCHAIN_THROTTLE_FIRST_LOCK_SECONDS  60
#define OMS_COLDCHAIN_THROTTLE_MAX_LOCK_SECONDS    (15 * 60)
/* What it remembers at most, so that cycling addresses or usernames cannot grow it. */
#define OMS_COLDCHAIN_THROTTLE_MAX_ENTRIES         1024

typedef enum
{
  OMS_COLDCHAIN_LOGIN_SUCCEEDED,
  OMS_COLDCHAIN_LOGIN_FAILED,
  OMS_COLDCHAIN_LOGIN_UNDECIDED,   /* the check itself failed: counts neither way */
} OmsColdchainLoginOutcome;

/* An address with recent failed logins, for Settings. */
typedef struct
{
  char      *address;
  guint      failures;       /* since its first failure that is still remembered */
  GDateTime *locked_until;   /* (nullable): local time */
} OmsColdchainFailedLogins;

void oms_coldchain_failed_logins_free (OmsColdchainFailedLogins *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsColdchainFailedLogins, oms_coldchain_failed_logins_free)

typedef gint64 (*OmsColdchainClock) (gpointer user_data);

#define OMS_TYPE_COLDCHAIN_THROTTLE (oms_coldchain_throttle_get_type ())

G_DECLARE_FINAL_TYPE (OmsColdchainThrottle, oms_coldchain_throttle, OMS, COLDCHAIN_THROTTLE,
                      GObject)

OmsColdchainThrottle *oms_coldchain_throttle_new        (void);
gboolean   oms_coldchain_throttle_admit                   (OmsColdchainThrottle     *self,
                                                           const char               *address,
                                                           const char               *username,
                                                           guint                    *retry_after);
void       oms_coldchain_throttle_record                  (OmsColdchainThrottle     *self,
                                                           const char               *address,
                                                           const char               *username,
                                                           OmsColdchainLoginOutcome  outcome);
GPtrArray *oms_coldchain_throttle_list_failed_logins      (OmsColdchainThrottle     *self);
guint      oms_coldchain_throttle_get_n_entries           (OmsColdchainThrottle     *self);
guint      oms_coldchain_throttle_get_attempt_seconds     (OmsColdchainThrottle     *self);
void       oms_coldchain_throttle_set_attempt_seconds     (OmsColdchainThrottle     *self,
                                                           guint                     seconds);
void       _oms_coldchain_throttle_set_clock              (OmsColdchainThrottle     *self,
                                                           OmsColdchainClock         clock,
                                                           gpointer                  user_data);

G_END_DECLS
