#!/usr/bin/python3
# crash-check.py: the consistency checks of test-cli-crash.sh, on a site's store and the
# central's database, both opened read only while neither program writes.
#
#   crash-check.py after-kill SITE_DIR CENTRAL_DIR STATUS PENDING KILLED_STDERR PREVIOUS_STATUS
#   crash-check.py after-sync SITE_DIR CENTRAL_DIR STATUS PENDING
#
# STATUS and PENDING hold the output of `omsync-cli status --json` and `pending --json` taken
# after the kill or the sync; PREVIOUS_STATUS the status before the killed run started.
# Prints one line per broken rule ("FAIL: ...") and facts worth logging ("INFO: ...", and
# "RESENT n" after a sync), and exits 1 when a rule broke.
#
# After a kill, wherever it landed: no cursor is past what is stored (a pull cursor never
# passes a record the store lacks, a push cursor never passes a change the central lacks),
# and status tells the truth. After a sync: the store holds exactly the records the central
# holds for the site, with the same data; every local change is at the central exactly once;
# nothing waits.
#
# The comparisons run in SQL over both databases attached to one connection; only records
# whose JSON differs as text are parsed (most are the same text).
#
# Copyright 2026 The omsync authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import sqlite3
import sys

SITE_NAME = 'demo'

# The table the store keeps each pulled sync table in; the others go to `record`.
TYPED = {
    'name': 'name', 'store': 'store', 'Location': 'location', 'location': 'location',
    'sensor': 'sensor', 'temperature_log': 'temperature_log',
    'temperature_breach': 'temperature_breach', 'asset': 'asset', 'asset_log': 'asset_log',
    'sync_file_reference': 'sync_file_reference',
}

# A column of each typed table, and the field of the central's record it comes from.
KEY_FIELDS = {
    'name': ('name', 'name'), 'store': ('code', 'code'), 'location': ('code', 'code'),
    'sensor': ('name', 'name'), 'temperature_log': ('temperature', 'temperature'),
    'temperature_breach': ('type', 'type'), 'asset': ('notes', 'notes'),
    'asset_log': ('status', 'status'), 'sync_file_reference': ('file_name', 'file_name'),
}

# The tables this test changes locally, and the API each is pushed with.
LOCAL_TABLES = {'temperature_log': 'v5', 'asset': 'v6'}

STEPS = ['prepare_initial', 'push_v6', 'push', 'pull_central', 'pull_remote', 'pull_v6',
         'integrate']
STEP_LABELS = {'Prepare': 'prepare_initial', 'Push V6': 'push_v6', 'Push': 'push',
               'Pull central': 'pull_central', 'Pull remote': 'pull_remote',
               'Pull V6': 'pull_v6', 'Integrate': 'integrate'}

# SQL: the local table of a central record (columns table_name, data), and its key field.
LOCAL_TABLE_SQL = 'CASE table_name %s ELSE \'record:\' || table_name END' % ' '.join(
    "WHEN '%s' THEN '%s'" % (sync, local) for sync, local in TYPED.items())
KEY_SQL = 'CASE table_name %s END' % ' '.join(
    "WHEN '%s' THEN json_extract(data, '$.\"%s\"')" % (sync, KEY_FIELDS[local][1])
    for sync, local in TYPED.items())
# SQL: whether key values a and b differ (numbers within rounding).
DIFFERENT_SQL = ('CASE WHEN typeof({a}) IN (\'real\', \'integer\') '
                 'AND typeof({b}) IN (\'real\', \'integer\') THEN abs({a} - {b}) > 1e-9 '
                 'ELSE {a} IS NOT {b} END')

failures = []


def fail(message):
    failures.append(message)
    print('FAIL: ' + message)


def info(message):
    print('INFO: ' + message)


def sample(ids):
    return ', '.join(sorted(ids)[:3])


def same_json(a, b):
    return a == b or (a is not None and b is not None and json.loads(a) == json.loads(b))


class Check:
    def __init__(self, site_dir, central_dir):
        self.db = sqlite3.connect(':memory:', uri=True, timeout=30)
        self.db.execute("ATTACH 'file:%s/omsync.sqlite?mode=ro' AS s" % site_dir)
        self.db.execute("ATTACH 'file:%s/central.sqlite?mode=ro' AS c" % central_dir)
        self.site_id = self.value('SELECT id FROM c.site WHERE name = ?', SITE_NAME)
        self.kv = {row[0]: row[1] if row[1] is not None else row[2] for row in self.db.execute(
            'SELECT id, value_string, coalesce(value_int, value_bigint) FROM s.key_value_store')}
        self.db.executescript('''
            CREATE TABLE local_change (record_id TEXT PRIMARY KEY, table_name TEXT,
                                       cursor INTEGER, key);
            CREATE TABLE expected (local_table TEXT, record_id TEXT, data TEXT, key,
                                   PRIMARY KEY (local_table, record_id));
            CREATE TABLE held (local_table TEXT, record_id TEXT, data TEXT, key,
                               PRIMARY KEY (local_table, record_id));
        ''')
        # The newest local change of each record of this site's stores (the push filter).
        self.db.execute(
            'INSERT INTO local_change SELECT record_id, table_name, max(cursor), NULL '
            'FROM s.changelog WHERE superseded = 0 AND is_sync_update = 0 AND (store_id IS NULL '
            'OR store_id IN (SELECT id FROM s.store WHERE site_id = ?)) GROUP BY record_id',
            (self.site_id,))
        for table in LOCAL_TABLES:
            self.db.execute('UPDATE local_change SET key = (SELECT %s FROM s.%s t '
                            'WHERE t.id = local_change.record_id) WHERE table_name = ?'
                            % (KEY_FIELDS[table][0], table), (table,))

    def value(self, sql, *args):
        return self.db.execute(sql, args).fetchone()[0]

    def cursor(self, key):
        return self.kv.get(key) or 0

    def in_site_stores(self, column):
        return ('(%s IS NULL OR %s IN (SELECT id FROM c.store WHERE site_id = %d))'
                % (column, column, self.site_id))

    # What the central holds for the site: sync table, record id, data and, for pull cursors,
    # the cursor, as (SELECT ...) sources.
    def central_records(self):
        return ('(SELECT id AS cursor, table_name, record_id, data FROM c.central_record '
                'WHERE id IN (SELECT max(id) FROM c.central_record GROUP BY table_name, '
                'record_id) AND lower(action) != \'delete\')')

    def remote_records(self):
        return ('(SELECT table_name, record_id, data FROM c.remote_record WHERE store_id IN '
                '(SELECT id FROM c.store WHERE site_id = %d))' % self.site_id)

    def v6_records(self):
        return ('(SELECT cursor, table_name, record_id, data FROM c.changelog_v6 '
                'WHERE lower(action) != \'delete\' AND %s)' % self.in_site_stores('store_id'))

    def not_stored(self, source, where):
        """Records of @source matching @where that sync_buffer lacks or holds with other data
        (the site stores each pulled record there, as pulled)."""
        rows = self.db.execute(
            'SELECT r.record_id, r.data, b.data FROM %s r LEFT JOIN s.sync_buffer b '
            'ON b.record_id = r.record_id WHERE (%s) AND (b.data IS NULL OR b.data != r.data) '
            'AND r.record_id NOT IN (SELECT record_id FROM local_change)' % (source, where))
        return {record_id for record_id, want, have in rows if not same_json(want, have)}

    def check_pull_cursors(self):
        cursor = self.cursor('CENTRAL_SYNC_PULL_CURSOR')
        missing = self.not_stored(self.central_records(), 'r.cursor <= %d' % cursor)
        if missing:
            fail('the central pull cursor %d is past %d record(s) the store lacks or holds '
                 'older, e.g. %s' % (cursor, len(missing), sample(missing)))

        cursor = self.cursor('SYNC_PULL_CURSOR_V6')
        missing = self.not_stored(self.v6_records(), 'r.cursor < %d' % cursor)
        if missing:
            fail('the v6 pull cursor %d is past %d record(s) the store lacks or holds older, '
                 'e.g. %s' % (cursor, len(missing), sample(missing)))

        # What the central no longer queues for the site was acknowledged, which the site does
        # once it is stored; meaningful once this store had the queue filled (Prepare ended).
        if self.value('SELECT count(*) FROM s.sync_log '
                      'WHERE prepare_initial_finished_datetime IS NOT NULL'):
            missing = self.not_stored(
                self.remote_records(),
                'NOT EXISTS (SELECT 1 FROM c.sync_queue q WHERE q.site_id = %d '
                'AND q.table_name = r.table_name AND q.record_id = r.record_id)' % self.site_id)
            if missing:
                fail('%d remote record(s) were acknowledged but are not stored, e.g. %s'
                     % (len(missing), sample(missing)))

    def push_cursors(self):
        return {'v5': self.cursor('REMOTE_SYNC_PUSH_CURSOR'),
                'v6': self.cursor('SYNC_PUSH_CURSOR_V6')}

    def check_push_cursors(self):
        """No push cursor is past a change the central has not received as it is now."""
        self.db.execute('CREATE TABLE latest_received AS SELECT api, record_id, data '
                        'FROM c.received WHERE id IN (SELECT max(id) FROM c.received '
                        'WHERE site_id = ? GROUP BY api, record_id)', (self.site_id,))
        self.db.execute('CREATE UNIQUE INDEX latest_received_record '
                        'ON latest_received (api, record_id)')
        for table, api in LOCAL_TABLES.items():
            cursor = self.push_cursors()[api]
            lost = {row[0] for row in self.db.execute(
                'SELECT l.record_id FROM local_change l LEFT JOIN latest_received r '
                'ON r.api = ?1 AND r.record_id = l.record_id '
                'WHERE l.table_name = ?2 AND l.cursor < ?3 AND (r.record_id IS NULL OR %s)'
                % DIFFERENT_SQL.format(a='l.key', b="json_extract(r.data, '$.\"%s\"')"
                                       % KEY_FIELDS[table][1]),
                (api, table, cursor))}
            if lost:
                fail('the %s push cursor %d is past %d local change(s) the central never got, '
                     'e.g. %s' % (api, cursor, len(lost), sample(lost)))

    def check_push_queue(self, status, pending):
        """status --json and pending --json count what is really waiting to be pushed."""
        for table, in self.db.execute('SELECT DISTINCT table_name FROM local_change'):
            if table not in LOCAL_TABLES:
                fail('a local change of table %s, which this test never writes' % table)
        cursors = self.push_cursors()
        counts = {api: self.value('SELECT count(*) FROM local_change WHERE table_name = ? '
                                  'AND cursor >= ?', table, cursors[api])
                  for table, api in LOCAL_TABLES.items()}
        expected = {'total': counts['v5'] + counts['v6'], 'v5': counts['v5'], 'v6': counts['v6']}
        if status['pushQueue'] != expected:
            fail('status pushQueue is %s, but %s wait' % (status['pushQueue'], expected))
        if pending != expected:
            fail('pending --json is %s, but %s wait' % (pending, expected))
        return expected['total']

    def check_buffer(self, integrated):
        errors = {row[0] for row in self.db.execute(
            'SELECT record_id FROM s.sync_buffer WHERE integration_error IS NOT NULL')}
        if errors:
            fail('%d pulled record(s) failed to integrate, e.g. %s' % (len(errors), sample(errors)))
        # Pending: after the integration mark (OMS_SYNC_BUFFER_PENDING_SQL).
        waiting = self.value('SELECT count(*) FROM s.sync_buffer WHERE rowid > '
                             '(SELECT coalesce (max (value_bigint), 0) FROM s.key_value_store '
                             "WHERE id = 'OMSYNC_SYNC_BUFFER_INTEGRATED_ROWID')")
        if integrated and waiting:
            fail('%d pulled record(s) are still not integrated' % waiting)

    def check_equal(self):
        """The store holds exactly what the central holds for the site, with the same data."""
        for source in (self.central_records(), self.remote_records(), self.v6_records()):
            self.db.execute('INSERT OR REPLACE INTO expected SELECT %s, record_id, data, %s '
                            'FROM %s' % (LOCAL_TABLE_SQL, KEY_SQL, source))
        for local, (column, _) in KEY_FIELDS.items():
            self.db.execute('INSERT INTO held SELECT ?, id, NULL, %s FROM s.%s' % (column, local),
                            (local,))
        self.db.execute("INSERT INTO held SELECT 'record:' || table_name, id, data, NULL "
                        "FROM s.record")

        for local, side, count, first in self.db.execute(
                'SELECT local_table, \'missing\', count(*), min(record_id) FROM '
                '(SELECT local_table, record_id FROM expected '
                ' EXCEPT SELECT local_table, record_id FROM held) GROUP BY local_table '
                'UNION ALL SELECT local_table, \'extra\', count(*), min(record_id) FROM '
                '(SELECT local_table, record_id FROM held '
                ' EXCEPT SELECT local_table, record_id FROM expected) GROUP BY local_table'):
            if side == 'missing':
                fail('%s: %d of the central\'s record(s) are not in the store, e.g. %s'
                     % (local, count, first))
            else:
                fail('%s: the store has %d record(s) the central does not, e.g. %s'
                     % (local, count, first))

        differing = {(local, record_id) for local, record_id, want, have in self.db.execute(
            'SELECT e.local_table, e.record_id, e.data, h.data FROM expected e JOIN held h '
            'USING (local_table, record_id) WHERE e.data IS NOT h.data AND h.data IS NOT NULL '
            'OR h.data IS NULL AND %s' % DIFFERENT_SQL.format(a='e.key', b='h.key'))
            if have is None or not same_json(want, have)}
        differing |= {(local, record_id) for local, record_id, want, have in self.db.execute(
            'SELECT e.local_table, e.record_id, e.data, b.data FROM expected e '
            'JOIN s.sync_buffer b USING (record_id) WHERE e.data != b.data')
            if not same_json(want, have)}
        if differing:
            fail('%d record(s) differ from the central\'s, e.g. %s'
                 % (len(differing), sample('%s %s' % pair for pair in differing)))
        info('the store holds %d records, the central %d for the site'
             % (self.value('SELECT count(*) FROM held'),
                self.value('SELECT count(*) FROM expected')))

    def check_exactly_once(self):
        """Every local change is at the central, integrated, once, as it is here (after
        check_equal(), which fills expected)."""
        # The central keeps one row per record (remote_record's key, and changelog_v6 drops
        # the older rows of a record), so the record is there once when expected holds it.
        wrong = {row[0] for row in self.db.execute(
            'SELECT l.record_id FROM local_change l LEFT JOIN expected e '
            'ON e.local_table = l.table_name AND e.record_id = l.record_id '
            'WHERE e.record_id IS NULL OR %s' % DIFFERENT_SQL.format(a='l.key', b='e.key'))}
        if wrong:
            fail('%d local change(s) are not at the central as they are here, e.g. %s'
                 % (len(wrong), sample(wrong)))
        doubled = self.value('SELECT count(*) FROM (SELECT 1 FROM c.changelog_v6 '
                             'GROUP BY table_name, record_id HAVING count(*) > 1)')
        if doubled:
            fail('%d record(s) are more than once in the central\'s changelog' % doubled)
        unintegrated = self.value('SELECT count(*) FROM c.received WHERE site_id = ? '
                                  'AND integrated = 0', self.site_id)
        if unintegrated:
            fail('%d pushed record(s) are still not integrated at the central' % unintegrated)

        # Pushing is at least once: a batch the central took just before a kill comes again.
        resent = self.value('SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n '
                            'FROM c.received WHERE site_id = ? GROUP BY api, record_id, data)',
                            self.site_id)
        info('%d local change(s) at the central; %d received again after a kill'
             % (self.value('SELECT count(*) FROM local_change'), resent))
        print('RESENT %d' % resent)


def killed_steps(stderr_text):
    """The steps the killed run said had started and finished, and whether it ended."""
    started, finished = set(), set()
    for line in stderr_text.splitlines():
        match = re.match(r'^(.+): (started|finished)$', line)
        if match and match.group(1) in STEP_LABELS:
            (started if match.group(2) == 'started' else finished).add(
                STEP_LABELS[match.group(1)])
    return started, finished, 'Sync finished' in stderr_text


def check_status_after_kill(status, previous, stderr_text):
    started, finished, ended = killed_steps(stderr_text)
    run = status['lastRun']
    if status['isSyncing']:
        fail('status says a sync is running after the sync was killed')
    if run is None:
        fail('status has no last run after a run was started')
        return
    steps = {step['step']: step for step in run['steps']}
    succeeded = run['finished'] is not None and run['error'] is None and not run['interrupted']
    if ended and not succeeded:
        fail('the killed run printed “Sync finished” but status shows %s' % json.dumps(run))
    if not succeeded and not (run['interrupted'] and run['finished'] is None
                              and run['error'] is None):
        fail('the killed run is neither finished nor interrupted: %s' % json.dumps(run))
    for step in started:
        if steps[step]['started'] is None:
            fail('the killed run printed that %s started, status has no start' % step)
    for step in finished:
        if steps[step]['finished'] is None:
            fail('the killed run printed that %s finished, status has no finish' % step)
    last_success = status['lastSuccessfulSync']
    if succeeded:
        if last_success is None or last_success['finished'] != run['finished']:
            fail('the last run succeeded but lastSuccessfulSync is %s' % json.dumps(last_success))
    elif last_success != previous['lastSuccessfulSync']:
        fail('lastSuccessfulSync changed from %s to %s although the run was interrupted'
             % (json.dumps(previous['lastSuccessfulSync']), json.dumps(last_success)))
    # A site is initialised once a run has finished: before the kill, or the killed one.
    expected_mode = ('operational' if previous['mode'] == 'operational' or succeeded
                     else 'initialising')
    if status['mode'] != expected_mode:
        fail('status mode is %s, expected %s' % (status['mode'], expected_mode))
    info('killed run: %s; steps started %s'
         % ('finished' if succeeded else 'interrupted',
            ','.join(s for s in STEPS if steps[s]['started'] is not None) or 'none'))


def check_status_after_sync(status):
    run = status['lastRun']
    if status['isSyncing'] or status['mode'] != 'operational':
        fail('after the sync: isSyncing %s, mode %s' % (status['isSyncing'], status['mode']))
    if run is None or run['finished'] is None or run['interrupted'] or run['error'] is not None:
        fail('the sync after the kill did not end well: %s' % json.dumps(run))
        return
    if not all(step['finished'] for step in run['steps']):
        fail('a step of the sync after the kill did not finish: %s' % json.dumps(run['steps']))
    if (status['lastSuccessfulSync'] is None
            or status['lastSuccessfulSync']['finished'] != run['finished']):
        fail('lastSuccessfulSync %s is not the last run' % json.dumps(status['lastSuccessfulSync']))


def main():
    mode, site_dir, central_dir, status_path, pending_path = sys.argv[1:6]
    check = Check(site_dir, central_dir)
    status = json.load(open(status_path))
    pending = json.load(open(pending_path))

    check.check_pull_cursors()
    check.check_push_cursors()
    waiting = check.check_push_queue(status, pending)
    check.check_buffer(mode == 'after-sync')

    if mode == 'after-kill':
        check_status_after_kill(status, json.load(open(sys.argv[7])), open(sys.argv[6]).read())
        info('%d local change(s) wait to be pushed' % waiting)
    elif mode == 'after-sync':
        check_status_after_sync(status)
        if waiting:
            fail('%d local change(s) still wait after the sync' % waiting)
        check.check_equal()
        check.check_exactly_once()
    else:
        raise SystemExit('unknown mode ' + mode)

    sys.exit(1 if failures else 0)


main()
