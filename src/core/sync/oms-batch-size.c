/* oms-batch-size.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-batch-size"

#include "config.h"

#include "oms-batch-size.h"

/* How many records the next pull batch asks for (issue 12: initialising a store at the end of
 * a cellular line took hours, Open mSupply #4658, #5043). Each batch costs a round trip; on a
 * line where the round trip is most of a batch's time, fewer, larger batches are faster. So:
 *
 * - start from the stored size;
 * - grow ×2 while a batch's time goes on the round trip rather than on its bytes. A batch's
 *   time is taken as fixed + bytes × per-byte; two batches of different sizes give both parts.
 *   The first full batch has nothing to compare with and grows once to find out;
 * - never past the maximum records, nor past the bytes limit at the size records have had;
 * - halve after a timeout or a batch that took too long (not below a floor), and do not grow
 *   back to a size that failed, so a failing line degrades rather than stalls;
 * - a server that gives fewer records than asked while it has more is giving what it can:
 *   ask for no more than that from then on.
 *
 * Times are passed in, never read here, so tests drive it with made-up ones.
 */

struct _OmsBatchSize
{
  guint           next;
  guint           floor;
  guint           ceiling;        /* the maximum, lowered by a server's cap or a failure */
  gsize           max_bytes;
  gboolean        have_previous;
  OmsBatchSample  previous;       /* the last full batch, to compare the next one with */
  GArray         *asked;          /* guint: every size taken, in order */
};

/**
 * oms_batch_size_new:
 * @start: the size of the first batch (the stored size)
 * @max_records: the most records a batch may ask for
 * @max_bytes: the largest body a batch should bring, judged from the batches before
 *
 * Returns: (transfer full): a new batch size, for one pull step
 */
OmsBatchSize *
oms_batch_size_new (guint start,
                    guint max_records,
                    gsize max_bytes)
{
  OmsBatchSize *self = g_new0 (OmsBatchSize, 1);

  self->ceiling = MAX (max_records, 1);
  self->next = CLAMP (start, 1, self->ceiling);
  self->floor = MIN (OMS_BATCH_SIZE_FLOOR, self->next);
  self->max_bytes = MAX (max_bytes, 1);
  self->asked = g_array_new (FALSE, FALSE, sizeof (guint));

  return self;
}

void
oms_batch_size_free (OmsBatchSize *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->asked);
  g_free (self);
}

/* The size the next batch takes: within the floor and the ceiling, at least one record. */
static void
set_next (OmsBatchSize *self,
          guint         size)
{
  self->next = CLAMP (size, MIN (self->floor, self->ceiling), self->ceiling);
}

/**
 * oms_batch_size_take:
 *
 * Returns: the size to ask for now; it is kept in the sizes asked
 */
guint
oms_batch_size_take (OmsBatchSize *self)
{
  g_return_val_if_fail (self != NULL, 1);

  g_array_append_val (self->asked, self->next);
  return self->next;
}

/**
 * oms_batch_size_peek:
 *
 * Returns: the size the next batch will ask for, without taking it
 */
guint
oms_batch_size_peek (const OmsBatchSize *self)
{
  g_return_val_if_fail (self != NULL, 1);

  return self->next;
}

/* After a failure at @failed: half of it from now on, and never back up to it. */
static void
shrink (OmsBatchSize *self,
        guint         failed)
{
  guint size = MAX (failed / 2, self->floor);

  self->ceiling = MAX (MIN (self->ceiling, size), 1);
  self->have_previous = FALSE;
  set_next (self, size);
  g_debug ("Batch of %u too slow: next ones ask for %u", failed, self->next);
}

/* A batch's size on the line: its bytes, or its records when the bytes are not known. */
static double
amount (const OmsBatchSample *sample)
{
  return sample->bytes > 0 ? (double) sample->bytes : (double) sample->received;
}

/* Whether @now's time went on the round trip rather than on its bytes, from @before and @now
 * (time = fixed + amount × per unit). Two batches of one size say nothing.
 */
static gboolean
round_trip_dominates (const OmsBatchSample *before,
                      const OmsBatchSample *now)
{
  double per_unit;
  double fixed;

  if (amount (now) <= amount (before))
    return FALSE;

  per_unit = (double) (now->elapsed_us - before->elapsed_us) / (amount (now) - amount (before));
  /* More bytes came no slower: the line is not what limits it. */
  if (per_unit <= 0)
    return TRUE;

  fixed = (double) now->elapsed_us - per_unit * amount (now);
  return fixed > per_unit * amount (now);
}

/* The most records whose body stays within the bytes limit, at @sample's bytes per record. */
static guint
records_within_bytes (const OmsBatchSize   *self,
                      const OmsBatchSample *sample)
{
  gsize per_record;

  if (sample->received == 0 || sample->bytes == 0)
    return G_MAXUINT;

  per_record = MAX (sample->bytes / sample->received, 1);
  return (guint) MIN (MAX (self->max_bytes / per_record, 1), G_MAXUINT);
}

/**
 * oms_batch_size_report:
 * @sample: how the batch of the last oms_batch_size_take() went
 *
 * Decides the size of the next batch from how this one went.
 */
void
oms_batch_size_report (OmsBatchSize         *self,
                       const OmsBatchSample *sample)
{
  guint size = sample->asked;

  g_return_if_fail (self != NULL);
  g_return_if_fail (sample != NULL);

  /* An empty batch with more to come (a gap in the central's cursors, records the server
   * could not translate) says nothing of the line or of a cap.
   */
  if (sample->received == 0)
    return;

  if (sample->more_waiting && sample->received < sample->asked)
    {
      /* The server gives no more than this: asking for more would not bring more. */
      self->ceiling = MAX (sample->received, 1);
      self->have_previous = FALSE;
      set_next (self, self->ceiling);
      g_debug ("Asked %u, the server gave %u: asking for that from now on", sample->asked,
               sample->received);
      return;
    }

  if (sample->elapsed_us > OMS_BATCH_SIZE_TOO_LONG_US)
    {
      shrink (self, sample->asked);
      return;
    }

  /* The last batch says nothing about a next one. */
  if (!sample->more_waiting)
    return;

  if (!self->have_previous || round_trip_dominates (&self->previous, sample))
    size = sample->asked <= G_MAXUINT / 2 ? sample->asked * 2 : G_MAXUINT;

  self->previous = *sample;
  self->have_previous = TRUE;
  set_next (self, MIN (size, records_within_bytes (self, sample)));
}

/**
 * oms_batch_size_report_timeout:
 *
 * The batch of the last oms_batch_size_take() timed out.
 */
void
oms_batch_size_report_timeout (OmsBatchSize *self)
{
  g_return_if_fail (self != NULL);

  shrink (self, self->asked->len > 0 ? g_array_index (self->asked, guint, self->asked->len - 1)
                                     : self->next);
}

/**
 * oms_batch_size_get_asked:
 *
 * Returns: (transfer none) (element-type guint): every size taken, in order
 */
const GArray *
oms_batch_size_get_asked (const OmsBatchSize *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->asked;
}
