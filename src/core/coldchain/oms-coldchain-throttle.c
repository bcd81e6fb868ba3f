/* oms-coldchain-throttle.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-throttle"

#include "config.h"

#include <string.h>

#include "oms-coldchain-throttle.h"

/* Password guessing against the cold chain server, slowed down. Failures are counted per
 * remote address and per address and username: five within fifteen minutes lock that key
 * out, for a minute the first time and twice as long each time after, up to fifteen minutes.
 * A locked-out phone is refused at once with the wait; its password is not checked.
 *
 * Both keys matter. The address catches one device trying many usernames; the pair catches
 * one device guessing one username's password while it logs in successfully with an account
 * of its own in between, which resets the address (so that a phone that mistyped a few times
 * is not punished after getting in) but not the other username's count.
 *
 * Attempts still being checked count as failures-to-be: a flood of simultaneous guesses gets
 * no more checks than the limit allows, however fast it arrives. Once a lockout ends, one
 * attempt at a time is let through; if it fails, the next lockout is twice as long. A key
 * that stays quiet for a window after its lockout ends is forgotten.
 *
 * Keys from another address never touch a phone's: a lockout is only ever for the address
 * that earned it. Memory is bounded: entries go once nothing about them is current, and past
 * OMS_COLDCHAIN_THROTTLE_MAX_ENTRIES the least recently active entry with no attempt in flight is
 * dropped. Usernames are kept only as SHA-256 hashes, so an attacker's long ones cost nothing.
 */

typedef struct
{
  char   *address;
  gint64  failures[OMS_COLDCHAIN_THROTTLE_MAX_FAILURES];  /* the latest failures' times */
  guint   next_failure;
  guint   total_failures;   /* since the entry was made */
  guint   pending;          /* attempts admitted and not yet decided */
  guint   lock_level;       /* lockouts since the entry was made */
  gint64  locked_until;     /* 0 when never locked */
  gint64  last_active;
  gboolean is_pair;
} Entry;

struct _OmsColdchainThrottle
{
  GObject            parent_instance;

  /* Owned references */
  GHashTable        *entries;   /* key → Entry */

  /* State */
  OmsColdchainClock  clock;
  gpointer           clock_data;
  guint              attempt_seconds;
  gint64             last_prune;
};

G_DEFINE_FINAL_TYPE (OmsColdchainThrottle, oms_coldchain_throttle, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define WINDOW_US     ((gint64) OMS_COLDCHAIN_THROTTLE_WINDOW_SECONDS * G_USEC_PER_SEC)
#define FIRST_LOCK_US ((gint64) OMS_COLDCHAIN_THROTTLE_FIRST_LOCK_SECONDS * G_USEC_PER_SEC)
#define MAX_LOCK_US   ((gint64) OMS_COLDCHAIN_THROTTLE_MAX_LOCK_SECONDS * G_USEC_PER_SEC)

static void
entry_free (Entry *entry)
{
  g_free (entry->address);
  g_free (entry);
}

void
oms_coldchain_failed_logins_free (OmsColdchainFailedLogins *self)
{
  g_free (self->address);
  g_clear_pointer (&self->locked_until, g_date_time_unref);
  g_free (self);
}

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gint64
now (OmsColdchainThrottle *self)
{
  return self->clock (self->clock_data);
}

static char *
pair_key (const char *address,
          const char *username)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, username, -1);

  return g_strconcat (address, "\n", hash, NULL);
}

static guint
recent_failures (Entry  *entry,
                 gint64  time)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (entry->failures); i++)
    {
      if (entry->failures[i] != 0 && entry->failures[i] > time - WINDOW_US)
        n++;
    }

  return n;
}

/* A key is remembered while an attempt is in flight, while failures are in the window, and for
 * a window after its last lockout ends, so that the next lockout is longer.
 */
static gboolean
entry_is_current (Entry  *entry,
                  gint64  time)
{
  return entry->pending > 0 || recent_failures (entry, time) > 0
         || (entry->locked_until != 0 && entry->locked_until + WINDOW_US > time);
}

/* Drops every entry that no longer holds anything back. */
static gboolean
prune (OmsColdchainThrottle *self,
       gint64                time)
{
  GHashTableIter iter;
  Entry *entry;
  gboolean removed = FALSE;

  self->last_prune = time;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      if (!entry_is_current (entry, time))
        {
          g_hash_table_iter_remove (&iter);
          removed = TRUE;
        }
    }

  return removed;
}

/* Room for @needed more entries: the least recently active ones without an attempt in flight
 * go. Any entry pointer held across this call must be looked up again.
 */
static gboolean
make_room (OmsColdchainThrottle *self,
           gint64                time,
           guint                 needed)
{
  if (g_hash_table_size (self->entries) + needed <= OMS_COLDCHAIN_THROTTLE_MAX_ENTRIES)
    return TRUE;

  prune (self, time);

  while (g_hash_table_size (self->entries) + needed > OMS_COLDCHAIN_THROTTLE_MAX_ENTRIES)
    {
      GHashTableIter iter;
      const char *key;
      Entry *entry;
      const char *oldest_key = NULL;
      gint64 oldest = G_MAXINT64;

      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &entry))
        {
          if (entry->pending == 0 && entry->last_active < oldest)
            {
              oldest = entry->last_active;
              oldest_key = key;
            }
        }

      if (oldest_key == NULL)
        return FALSE;

      g_debug ("Forgetting the failed logins of %s to make room",
               ((Entry *) g_hash_table_lookup (self->entries, oldest_key))->address);
      g_hash_table_remove (self->entries, oldest_key);
    }

  return TRUE;
}

/* Whether @entry lets one more attempt in; if not, how long until it may. */
static gboolean
entry_admits (OmsColdchainThrottle *self,
              Entry                *entry,
              gint64                time,
              gint64               *wait)
{
  if (entry == NULL)
    return TRUE;

  if (entry->locked_until > time)
    {
      *wait = MAX (*wait, entry->locked_until - time);
      return FALSE;
    }

  /* Once locked out, one attempt at a time. */
  if (entry->pending > 0
      && (entry->lock_level > 0
          || recent_failures (entry, time) + entry->pending >= OMS_COLDCHAIN_THROTTLE_MAX_FAILURES))
    {
      *wait = MAX (*wait, (gint64) self->attempt_seconds * G_USEC_PER_SEC);
      return FALSE;
    }

  return TRUE;
}

static Entry *
ensure_entry (OmsColdchainThrottle *self,
              const char           *key,
              const char           *address,
              gboolean              is_pair)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->address = g_strdup (address);
      entry->is_pair = is_pair;
      g_hash_table_insert (self->entries, g_strdup (key), entry);
    }

  return entry;
}

/**
 * oms_coldchain_throttle_admit:
 * @address: the remote address of the login
 * @username: the account it names
 * @retry_after: (out): when refused, the seconds to wait, at least 1
 *
 * Decides whether a login may have its password checked. An admitted attempt must be given
 * its outcome with oms_coldchain_throttle_record().
 *
 * Returns: %TRUE when the attempt may go ahead
 */
gboolean
oms_coldchain_throttle_admit (OmsColdchainThrottle *self,
                              const char           *address,
                              const char           *username,
                              guint                *retry_after)
{
  g_autofree char *key = NULL;
  gint64 time;
  gint64 wait = 0;
  Entry *by_address;
  Entry *by_pair;

  g_return_val_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self), FALSE);
  g_return_val_if_fail (address != NULL && username != NULL, FALSE);
  g_return_val_if_fail (retry_after != NULL, FALSE);

  time = now (self);
  if (time - self->last_prune > G_USEC_PER_SEC && prune (self, time))
    g_signal_emit (self, signals[CHANGED], 0);

  key = pair_key (address, username);
  by_address = g_hash_table_lookup (self->entries, address);
  by_pair = g_hash_table_lookup (self->entries, key);

  if (!entry_admits (self, by_address, time, &wait)
      || !entry_admits (self, by_pair, time, &wait))
    {
      *retry_after = (guint) MIN ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, G_MAXUINT);
      *retry_after = MAX (*retry_after, 1);
      return FALSE;
    }

  if (!make_room (self, time, (by_address == NULL) + (by_pair == NULL)))
    {
      /* Every entry has an attempt in flight: too busy to remember one more. */
      *retry_after = MAX (self->attempt_seconds, 1);
      return FALSE;
    }

  by_address = ensure_entry (self, address, address, FALSE);
  by_pair = ensure_entry (self, key, address, TRUE);
  by_address->pending++;
  by_pair->pending++;
  by_address->last_active = by_pair->last_active = time;
  return TRUE;
}

static void
entry_fail (Entry  *entry,
            gint64  time)
{
  entry->failures[entry->next_failure] = time;
  entry->next_failure = (entry->next_failure + 1) % G_N_ELEMENTS (entry->failures);
  entry->total_failures++;

  /* Locked out once, each further failure locks it out again, for longer. */
  if (entry->lock_level > 0
      || recent_failures (entry, time) >= OMS_COLDCHAIN_THROTTLE_MAX_FAILURES)
    {
      gint64 lock = FIRST_LOCK_US;

      for (guint i = 0; i < entry->lock_level && lock < MAX_LOCK_US; i++)
        lock *= 2;
      entry->locked_until = time + MIN (lock, MAX_LOCK_US);
      entry->lock_level++;
      g_debug ("Locked out %s%s for %" G_GINT64_FORMAT " s after %u failed logins",
               entry->address, entry->is_pair ? " (one username)" : "",
               MIN (lock, MAX_LOCK_US) / G_USEC_PER_SEC, entry->total_failures);
    }
}

static void
entry_reset (Entry *entry)
{
  memset (entry->failures, 0, sizeof entry->failures);
  entry->next_failure = 0;
  entry->total_failures = 0;
  entry->lock_level = 0;
  entry->locked_until = 0;
}

/**
 * oms_coldchain_throttle_record:
 * @address: as given to oms_coldchain_throttle_admit()
 * @username: as given to oms_coldchain_throttle_admit()
 * @outcome: how the check ended
 *
 * Ends an admitted attempt. A failure counts against both the address and the pair; a success
 * clears them both.
 */
void
oms_coldchain_throttle_record (OmsColdchainThrottle     *self,
                               const char               *address,
                               const char               *username,
                               OmsColdchainLoginOutcome  outcome)
{
  g_autofree char *key = NULL;
  Entry *entries[2];
  gint64 time;

  g_return_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self));
  g_return_if_fail (address != NULL && username != NULL);

  time = now (self);
  key = pair_key (address, username);
  entries[0] = g_hash_table_lookup (self->entries, address);
  entries[1] = g_hash_table_lookup (self->entries, key);

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      Entry *entry = entries[i];

      if (entry == NULL)
        continue;

      if (entry->pending > 0)
        entry->pending--;
      entry->last_active = time;

      if (outcome == OMS_COLDCHAIN_LOGIN_FAILED)
        entry_fail (entry, time);
      else if (outcome == OMS_COLDCHAIN_LOGIN_SUCCEEDED)
        entry_reset (entry);
    }

  if (outcome == OMS_COLDCHAIN_LOGIN_SUCCEEDED || outcome == OMS_COLDCHAIN_LOGIN_UNDECIDED)
    prune (self, time);

  if (outcome != OMS_COLDCHAIN_LOGIN_UNDECIDED)
    g_signal_emit (self, signals[CHANGED], 0);
}

static gint
compare_failed_logins (gconstpointer a,
                       gconstpointer b)
{
  const OmsColdchainFailedLogins *left = *(OmsColdchainFailedLogins * const *) a;
  const OmsColdchainFailedLogins *right = *(OmsColdchainFailedLogins * const *) b;

  if (left->failures != right->failures)
    return left->failures > right->failures ? -1 : 1;
  return g_strcmp0 (left->address, right->address);
}

/**
 * oms_coldchain_throttle_list_failed_logins:
 *
 * The addresses with failed logins still remembered, the most failures first, each with
 * when its lockout ends, the latest of its own and of any username tried from it.
 *
 * Returns: (transfer container) (element-type OmsColdchainFailedLogins): the addresses
 */
GPtrArray *
oms_coldchain_throttle_list_failed_logins (OmsColdchainThrottle *self)
{
  g_autoptr(GHashTable) locks = NULL;
  g_autoptr(GDateTime) wall_now = NULL;
  GPtrArray *list;
  GHashTableIter iter;
  Entry *entry;
  gint64 time;

  g_return_val_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self), NULL);

  time = now (self);
  prune (self, time);
  wall_now = g_date_time_new_now_local ();

  /* The latest lockout per address, whichever key holds it. */
  locks = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      gint64 until = GPOINTER_TO_SIZE (g_hash_table_lookup (locks, entry->address));

      if (entry->locked_until > time && entry->locked_until - time > until)
        g_hash_table_insert (locks, entry->address,
                             GSIZE_TO_POINTER ((gsize) (entry->locked_until - time)));
    }

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_coldchain_failed_logins_free);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      OmsColdchainFailedLogins *item;
      gint64 lock_left;

      if (entry->is_pair || entry->total_failures == 0)
        continue;

      item = g_new0 (OmsColdchainFailedLogins, 1);
      item->address = g_strdup (entry->address);
      item->failures = entry->total_failures;
      lock_left = (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (locks, entry->address));
      if (lock_left > 0)
        item->locked_until = g_date_time_add (wall_now, lock_left);
      g_ptr_array_add (list, item);
    }

  g_ptr_array_sort (list, compare_failed_logins);
  return list;
}

/**
 * oms_coldchain_throttle_get_n_entries:
 *
 * Returns: how many addresses and address-username pairs are remembered
 */
guint
oms_coldchain_throttle_get_n_entries (OmsColdchainThrottle *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self), 0);

  return g_hash_table_size (self->entries);
}

guint
oms_coldchain_throttle_get_attempt_seconds (OmsColdchainThrottle *self)
{
  g_return_val_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self), 0);

  return self->attempt_seconds;
}

/**
 * oms_coldchain_throttle_set_attempt_seconds:
 * @seconds: how long a check takes at most, padding included
 *
 * The wait told to a login refused because as many attempts as may still fail are being
 * checked.
 */
void
oms_coldchain_throttle_set_attempt_seconds (OmsColdchainThrottle *self,
                                            guint                 seconds)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self));

  self->attempt_seconds = seconds;
}

/* For tests: minutes pass at once. */
void
_oms_coldchain_throttle_set_clock (OmsColdchainThrottle *self,
                                   OmsColdchainClock     clock,
                                   gpointer              user_data)
{
  g_return_if_fail (OMS_IS_COLDCHAIN_THROTTLE (self));

  self->clock = clock != NULL ? clock : monotonic_clock;
  self->clock_data = user_data;
  self->last_prune = 0;
}

static void
oms_coldchain_throttle_finalize (GObject *object)
{
  OmsColdchainThrottle *self = OMS_COLDCHAIN_THROTTLE (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);

  G_OBJECT_CLASS (oms_coldchain_throttle_parent_class)->finalize (object);
}

static void
oms_coldchain_throttle_class_init (OmsColdchainThrottleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = oms_coldchain_throttle_finalize;

  /**
   * OmsColdchainThrottle::changed:
   *
   * A login failed or succeeded, or old failures were forgotten.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
oms_coldchain_throttle_init (OmsColdchainThrottle *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) entry_free);
  self->clock = monotonic_clock;
  self->attempt_seconds = 1;
}

OmsColdchainThrottle *
oms_coldchain_throttle_new (void)
{
  return g_object_new (OMS_TYPE_COLDCHAIN_THROTTLE, NULL);
}
