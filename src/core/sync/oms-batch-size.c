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
 * - grow while a batch's round trip is more than a quarter of what its bytes take on the line.
 *   A batch's time is taken as fixed + bytes × per-byte; two batches of different sizes give
 *   both parts, and the next size is the one whose bytes would take four round trips (at most
 *   eight times the last size, in one step). On a slow line far away that is a few large
 *   batches instead of many doubling ones: each batch costs a round trip on which the line is
 *   idle. The first full batch has nothing to compare with and doubles to find out;
 * - never past the maximum records, nor past the bytes limit at the size records have had;
 * - halve after a timeout or a batch that took too long (not below a floor), and do not grow
 *   back to a size that failed, so a failing line degrades rather than stalls;
 * - a server that gives fewer records than asked while it has more is giving what it can:
 *   ask for no more than that from then on.
 *
 * Times are passed in, never read here, so tests drive it with made-up ones.
 */

/* Grow until a batch's bytes take this many times its round trip... */
#define ROUND_TRIP_SHARE 4.0
/* ...but by no more than this in one step. */
#define MAX_GROWTH 8

struct _OmsBatchSize
{
  guint           next;
  guint           floor;
  guint           ceiling;        /* the maximum, lowered by a server's cap or a failure */
  gsize           max_bytes;
  gboolean        have_previous;
  OmsBatchSample  previous;       /* the last full batch, to compare the next one with */
  gboolean        have_line;      /* the line as the last two batches of different sizes saw it */
  double          fixed_us;       /* a batch's time that its size does not change */
  double          per_unit_us;    /* and what each byte (or record) adds */
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
  self->have_line = FALSE;
  set_next (self, size);
  g_debug ("Batch of %u too slow: next ones ask for %u", failed, self->next);
}

/* A batch's size on the line: its bytes, or its records when the bytes are not known. */
static double
amount (const OmsBatchSample *sample)
{
  return sample->bytes > 0 ? (double) sample->bytes : (double) sample->received;
}

/* Learns the line from @before and @now (time = fixed + amount × per unit). Two batches of one
 * size say nothing new: what was learnt before stands.
 */
static void
learn_line (OmsBatchSize         *self,
            const OmsBatchSample *before,
            const OmsBatchSample *now)
{
  if (amount (now) == amount (before))
    return;

  self->per_unit_us = (double) (now->elapsed_us - before->elapsed_us) /
                      (amount (now) - amount (before));
  self->fixed_us = (double) now->elapsed_us - self->per_unit_us * amount (now);
  self->have_line = TRUE;
}

/* The size after @sample on the line learnt: the one whose bytes take ROUND_TRIP_SHARE times
 * the fixed part; never smaller than @sample's (shrinking is for failures), at most
 * MAX_GROWTH times it.
 */
static guint
size_for_line (const OmsBatchSize   *self,
               const OmsBatchSample *sample)
{
  double most = (double) sample->asked * MAX_GROWTH;
  double per_record;
  double wanted;

  /* More bytes came no slower: the line is not what limits it. */
  if (self->per_unit_us <= 0)
    return (guint) MIN (most, (double) G_MAXUINT);
  if (self->fixed_us <= 0)
    return sample->asked;

  per_record = amount (sample) / (double) sample->received;
  wanted = ROUND_TRIP_SHARE * self->fixed_us / (self->per_unit_us * per_record);
  return (guint) CLAMP (wanted, (double) sample->asked, MIN (most, (double) G_MAXUINT));
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

  if (self->have_previous)
    learn_line (self, &self->previous, sample);
  if (self->have_line)
    size = size_for_line (self, sample);
  else
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
