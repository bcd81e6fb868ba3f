#!/usr/bin/python3
# e2e-keyboard.py: a keyboard-only journey through the running `omsync --demo`, keys pressed
# with xdotool and the screen read over AT-SPI, as a person using a screen reader goes: Ctrl+
# Alt+S opens the Sync window with the focus on Sync now; the central fails and Enter syncs;
# Tab reaches the error's `i` button and Enter opens its popover, whose hint (in the
# language's own words) is read; Escape closes the popover and then the window; Ctrl+comma
# shows Settings; Tab reaches the QR code and Enter enlarges it; Escape closes it and the
# focus is back on the code. Each step asserts where the focus is.
#
# Usage (from e2e-keyboard.sh): e2e-keyboard.py LANG DEMO-TMPDIR PATH/TO/po/LANG.po
# With LANG en, any .po file: its msgids are what is expected.

import subprocess
import sys
import time

from e2e_a11y import (Atspi, central_fault, fail, find, find_app, find_frame, focused, frames,
                      key, last_run_failed, name_of, on_screen, pattern, read_po_entries, runs,
                      say, site_db, wait_for, walk)


class Words:
    """The words this language shows for omsync's msgids; in English, the msgids."""

    def __init__(self, po, english):
        self.entries = read_po_entries(po)
        if english:
            self.entries = [(msgid, plural, [msgid, plural] if plural else [msgid])
                            for msgid, plural, _ in self.entries]
        self.singular = {msgid: forms[0] for msgid, _, forms in self.entries}

    def __call__(self, msgid):
        return self.singular.get(msgid, msgid)

    def patterns(self, msgid_start):
        """Patterns for every form of the entry whose msgid starts with @msgid_start."""
        for msgid, plural, forms in self.entries:
            if msgid.startswith(msgid_start):
                return [pattern(f) for f in forms]
        return None


def focus_name(app):
    node = focused(app)
    return f"{node.get_role_name()} '{name_of(node)}'" if node is not None else "nothing"


def expect_focus(app, what, predicate, timeout=10):
    """Waits until the focused accessible satisfies @predicate; fails saying where it is."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        node = focused(app)
        if node is not None and predicate(node):
            say(f"focus: {what} ({focus_name(app)})")
            return node
        time.sleep(0.1)
    fail(f"the focus is not on {what} but on {focus_name(app)}")


def tab_to(app, what, predicate, limit=30):
    """Presses Tab until the focus satisfies @predicate, at most @limit times."""
    for _ in range(limit):
        node = focused(app)
        if node is not None and predicate(node):
            say(f"focus: {what} ({focus_name(app)})")
            return node
        key("Tab")
    fail(f"{limit} Tabs did not reach {what}; the focus is on {focus_name(app)}")


def active(frame):
    return frame.get_state_set().contains(Atspi.StateType.ACTIVE)


def open_window(app, keys, title):
    """Presses @keys, which must open a window titled @title; returns it."""
    before = len(frames(app))
    key(keys)
    window = wait_for(f"{keys} to open '{title}'",
                      lambda: frames(app)[-1] if len(frames(app)) > before else None, 10)
    if name_of(window) != title:
        fail(f"{keys} opened '{name_of(window)}', not '{title}'")
    return window


def give_back_focus(frame):
    """A window manager gives the focus back to the window under a closed one; Xvfb has none,
    so the test does (xdotool windowfocus: no key, no click)."""
    end = time.monotonic() + 2
    while time.monotonic() < end and not active(frame):
        time.sleep(0.1)
    if not active(frame):
        subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^omsync$",
                        "windowfocus", "--sync"], check=False)
    wait_for("the main window to be active again", lambda: active(frame), 10)


def inside(frame):
    def check(node):
        while node is not None:
            if node == frame or (node.get_role() == Atspi.Role.FRAME
                                 and name_of(node) == name_of(frame)):
                return True
            try:
                node = node.get_parent()
            except Exception:
                return False
        return False
    return check


def main():
    lang, tmp = sys.argv[1], sys.argv[2]
    words = Words(sys.argv[3], english=lang == "en")

    app = wait_for("omsync on the AT-SPI desktop", find_app, 20)
    main_window = wait_for("the main window", lambda: find_frame(app, "omsync"), 20)
    db = wait_for("the demo site's database", lambda: site_db(tmp), 20)
    wait_for("the main window to be active", lambda: active(main_window), 10)

    # Ctrl+Alt+S: the Sync window, the focus on Sync now.
    before = len(frames(app))
    sync = open_window(app, "ctrl+alt+s", words("Sync"))
    sync_now = words("Sync now")
    button = expect_focus(app, "Sync now", lambda n: n.get_role() == Atspi.Role.PUSH_BUTTON
                          and name_of(n) == sync_now, 20)
    wait_for("Sync now to be sensitive",
             lambda: button.get_state_set().contains(Atspi.StateType.SENSITIVE), 60)

    # The central fails; Enter syncs.
    central_fault(db, "*:status=503,retry-after=600,body=down")
    try:
        count = runs(db)
        key("Return")
        wait_for("the failed sync", lambda: runs(db) > count and last_run_failed(db), 60)
        say("Enter on Sync now synced, and the sync failed")
        details = words("Error details")
        wait_for("the error's `i` button",
                 lambda: find(sync, name=details, where=on_screen), 20)
        expect_focus(app, "Sync now, again", lambda n: name_of(n) == sync_now, 20)

        # Tab to the `i`, Enter opens the popover; its hint is read.
        tab_to(app, f"the error's `i` button ('{details}')", lambda n: name_of(n) == details)
        key("Return")
        copy = words("Copy details")
        wait_for("the error popover", lambda: find(app, Atspi.Role.PUSH_BUTTON, copy,
                                                   where=on_screen), 10)
        expect_focus(app, "the error popover", lambda n: name_of(n) != details
                     and any(c.get_role() == Atspi.Role.PUSH_BUTTON and name_of(c) == copy
                             for c in walk(n.get_parent().get_parent())), 10)
        hints = words.patterns("The server asked to be tried again after %s")
        if hints is None:
            fail("no translation of the retry hint in the catalogue")
        hint = wait_for("the hint", lambda: next(
            (name_of(n) for n in walk(sync) if n.get_role() == Atspi.Role.LABEL
             and on_screen(n) and any(p.match(name_of(n)) for p in hints)), None), 10)
        say(f"the hint reads: {hint}")

        # Escape closes the popover (the focus goes back to the `i`), then the window.
        key("Escape")
        wait_for("the popover to close", lambda: find(app, Atspi.Role.PUSH_BUTTON, copy,
                                                      where=on_screen) is None, 10)
        expect_focus(app, "the `i` button again", lambda n: name_of(n) == details
                     or any(name_of(a) == details for a in [n.get_parent()]), 10)
    finally:
        central_fault(db)
    key("Escape")
    wait_for("the Sync window to close", lambda: len(frames(app)) == before, 10)
    give_back_focus(main_window)

    # Ctrl+comma: Settings. Tab to the QR code; Enter enlarges it; Escape closes it.
    key("ctrl+comma")
    qr_start = words("QR code of the server URL, %s").split("%s")[0]
    qr = wait_for("the QR code on Settings", lambda: find(
        main_window, Atspi.Role.IMAGE, where=lambda n: on_screen(n)
        and name_of(n).startswith(qr_start)), 20)
    tab_to(app, "the QR code", lambda n: n.get_role() == Atspi.Role.IMAGE
           and name_of(n) == name_of(qr), 60)
    before = len(frames(app))
    big = open_window(app, "Return", words("Server URL"))
    expect_focus(app, "the enlarged code's window", inside(big))
    key("Escape")
    wait_for("the enlarged code to close", lambda: len(frames(app)) == before, 10)
    give_back_focus(main_window)
    expect_focus(app, "the QR code again", lambda n: n.get_role() == Atspi.Role.IMAGE
                 and name_of(n) == name_of(qr))
    say(f"{lang}: the keyboard journey works")


if __name__ == "__main__":
    main()
