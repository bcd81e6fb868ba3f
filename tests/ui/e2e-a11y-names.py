#!/usr/bin/python3
# e2e-a11y-names.py: walks the whole accessible tree of every omsync window as a screen reader
# sees it, and fails naming every button, toggle, image, row or field that has no accessible
# name. The windows: the main window on each page of its sidebar, its main menu, the About
# window, the keyboard shortcuts window, the Sync status window after a failed sync with the
# error's `i` popover and the History popover open, and the enlarged QR code.
#
# Usage (from e2e-a11y-names.sh, with `omsync --demo` running and synced):
#   e2e-a11y-names.py DEMO-TMPDIR

import sys
import time

from e2e_a11y import (Atspi, central_fault, click, extents, fail, find, find_app,
                      find_frame, frames, key, last_run_failed, mouse_click, name_of, on_screen,
                      runs, say, site_db, state, unnamed_controls, wait_for, walk)

problems = {}


def check(where, root):
    found = unnamed_controls(root)
    for item in found:
        if item not in problems:
            problems[item] = where
            print(f"unnamed: {where}: {item}", file=sys.stderr)
    say(f"{where}: {sum(1 for _ in walk(root))} accessibles walked, {len(found)} unnamed")


def sidebar(main):
    """The navigation list: the list whose rows lie furthest to one side of the window."""
    lists = [n for n in walk(main) if n.get_role() == Atspi.Role.LIST and on_screen(n)]
    return min(lists, key=lambda n: extents(n)[2] * 10000 + extents(n)[1]) if lists else None


def new_frame(app, before):
    names = [name_of(f) for f in frames(app)]
    extra = [f for f in frames(app) if name_of(f) not in before]
    return extra[0] if extra and len(names) > len(before) else None


def main():
    tmp = sys.argv[1]
    app = wait_for("omsync on the AT-SPI desktop", find_app, 20)
    main_window = wait_for("the main window", lambda: find_frame(app, "omsync"), 20)
    db = wait_for("the demo site's database", lambda: site_db(tmp), 20)

    rows = wait_for("the sidebar's rows", lambda: [
        n for n in walk(sidebar(main_window)) if n.get_role() == Atspi.Role.LIST_ITEM], 20)
    say(f"sidebar rows: {[name_of(r) for r in rows]}")
    for row in rows:
        before = [name_of(f) for f in frames(app)]
        mouse_click(row, "^omsync$")
        time.sleep(1.0)
        opened = new_frame(app, before)
        if opened is not None:
            check(f"the window '{name_of(opened)}' (sidebar row '{name_of(row)}')", opened)
            key("Escape")
            wait_for(f"the window '{name_of(opened)}' to close",
                     lambda: len(frames(app)) == len(before), 10)
        else:
            check(f"the main window on '{name_of(row)}'", main_window)

    # The main menu (F10 opens it: the menu button is the window's primary one).
    key("F10")
    wait_for("the main menu", lambda: find(app, Atspi.Role.MENU_ITEM, where=on_screen), 10)
    check("the main menu", app)
    key("Escape")

    # The keyboard shortcuts window.
    before = [name_of(f) for f in frames(app)]
    key("ctrl+question")
    shortcuts = wait_for("the shortcuts window", lambda: new_frame(app, before), 10)
    check(f"the window '{name_of(shortcuts)}' (Ctrl+?)", shortcuts)
    key("Escape")
    wait_for("the shortcuts window to close", lambda: len(frames(app)) == len(before), 10)

    # The Sync status window after a failed sync, its `i` popover and History open.
    key("ctrl+alt+s")
    sync = wait_for("the Sync window", lambda: find_frame(app, "Sync"), 10)
    button = wait_for("Sync now", lambda: find(sync, Atspi.Role.PUSH_BUTTON, "Sync now"), 20)
    wait_for("Sync now to be sensitive", lambda: state(button, Atspi.StateType.SENSITIVE), 60)
    central_fault(db, "*:status=503,retry-after=600,body=down")
    try:
        count = runs(db)
        click(button)
        wait_for("the failed sync", lambda: runs(db) > count and last_run_failed(db), 60)
        info = wait_for("the error's `i` button",
                        lambda: find(sync, name="Error details", where=on_screen), 20)
        check("the Sync window after a failed sync", sync)
        click(info)
        wait_for("the error popover", lambda: find(app, Atspi.Role.PUSH_BUTTON, "Copy details"),
                 10)
        check("the Sync window with the error popover open", app)
        key("Escape")
        history = find(sync, name="History", where=on_screen)
        if history is not None:
            click(history)
            time.sleep(1.0)
            check("the Sync window with History open", app)
            key("Escape")
    finally:
        central_fault(db)
    key("Escape")
    wait_for("the Sync window to close", lambda: find_frame(app, "Sync") is None, 10)

    # The enlarged QR code, from Settings.
    key("ctrl+comma")
    qr = wait_for("the QR code", lambda: find(main_window, Atspi.Role.IMAGE, where=lambda n:
                  name_of(n).startswith("QR code of the server URL, ") and on_screen(n)), 20)
    before = [name_of(f) for f in frames(app)]
    mouse_click(qr, "^omsync$")
    big = wait_for("the enlarged QR code", lambda: new_frame(app, before), 10)
    check(f"the window '{name_of(big)}' (the enlarged QR code)", big)
    key("Escape")

    if problems:
        fail(f"{len(problems)} controls have no accessible name")
    say("every button, toggle, image, row and field has an accessible name")


if __name__ == "__main__":
    main()
