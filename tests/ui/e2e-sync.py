#!/usr/bin/python3
# e2e-sync.py: drive the sync status window of a running `omsync --demo` over AT-SPI, as a
# screen reader user would: find the "Sync now" push button by role and name, press it, read
# the labels until the sync is done; then make the demo central fail, press it again, read
# the error and open the `i` popover.
#
# Usage: e2e-sync.py PATH/TO/demo-site/omsync.sqlite [--screenshot-error FILE]
# Runs inside the session bus of its caller (dbus-run-session), with /usr/bin/python3 for gi.

import os
import subprocess
import sys
import time

# make-screenshots.sh loads this file by its path, from anywhere.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_a11y import Atspi, central_fault, fail, runs, wait_for, walk  # noqa: E402

ERROR_MESSAGES = {
    "Unable to connect to server",
    "Site mismatch",
    "Incorrect hardware ID",
    "Incorrect password",
    "Site authentication timed out, please try again later",
    "Site has no store",
    "Site name not found",
    "The central server took too long integrating pushed records. Please retry later.",
    "Invalid url",
    "Sync API version is not compatible",
    "V6 central server not configured",
    "Sync V6 API version is not compatible",
    "The server experienced a problem.",
    "Unknown sync error",
    # omsync's own words for common faults (issue 13)
    "The central server is unavailable",
}


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and (app.get_name() or "").startswith("omsync"):
            return app
    return None


def find_frame(app, name):
    for i in range(app.get_child_count()):
        frame = app.get_child_at_index(i)
        if frame is not None and frame.get_name() == name:
            return frame
    return None


def find(root, role, name=None):
    for node in walk(root):
        try:
            if node.get_role() == role and (name is None or node.get_name() == name):
                return node
        except Exception:
            continue
    return None


def label_texts(root):
    texts = []
    for node in walk(root):
        try:
            if node.get_role() == Atspi.Role.LABEL:
                texts.append(node.get_name() or "")
        except Exception:
            continue
    return texts


def click(node):
    names = [Atspi.Action.get_action_name(node, i) for i in range(Atspi.Action.get_n_actions(node))]
    if "click" not in names:
        fail(f"{node.get_role_name()} '{node.get_name()}' has no click action: {names}")
    if not Atspi.Action.do_action(node, names.index("click")):
        fail(f"clicking '{node.get_name()}' failed")


def has_click(node):
    try:
        return "click" in [Atspi.Action.get_action_name(node, i)
                           for i in range(Atspi.Action.get_n_actions(node))]
    except Exception:
        return False


def clickable_named(root, name):
    """The first node called @name, or its first descendant, that can be clicked.
    GtkMenuButton carries the name; its inner toggle button carries the action."""
    for node in walk(root):
        try:
            if node.get_name() != name:
                continue
        except Exception:
            continue
        for inner in walk(node):
            if has_click(inner):
                return inner
    return None


def copy_buttons(app):
    return [n for n in walk(app)
            if n.get_role() == Atspi.Role.PUSH_BUTTON and n.get_name() == "Copy details"]


def sensitive(node):
    return node.get_state_set().contains(Atspi.StateType.SENSITIVE)


def showing(node):
    return node.get_state_set().contains(Atspi.StateType.SHOWING)


def central_request(db, method, body=None):
    central_fault(db, body.decode() if method == "POST" else None)


def main():
    db = sys.argv[1]
    screenshot = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--screenshot-error" else None

    app = wait_for("omsync on the AT-SPI desktop", find_app, 20)
    window = wait_for("the 'Sync' window", lambda: find_frame(app, "Sync"), 20)
    button = wait_for("the 'Sync now' push button",
                      lambda: find(window, Atspi.Role.PUSH_BUTTON, "Sync now"), 20)
    wait_for("'Sync now' to be sensitive", lambda: sensitive(button), 60)

    before = runs(db)
    click(button)
    wait_for("a new sync_log row", lambda: runs(db) > before, 20)
    wait_for("'There are no records to push' and 'Last successful sync'",
             lambda: "There are no records to push" in label_texts(window)
             and any(t.startswith("Last successful sync ") for t in label_texts(window))
             and find(window, Atspi.Role.PUSH_BUTTON, "Sync now") is not None
             and sensitive(find(window, Atspi.Role.PUSH_BUTTON, "Sync now")))
    print("e2e-sync.py: Sync now synced, and the window says so")

    central_request(db, "POST", b"*:status=503,retry-after=600,body=down")
    try:
        button = find(window, Atspi.Role.PUSH_BUTTON, "Sync now")
        before = runs(db)
        click(button)
        wait_for("a new sync_log row", lambda: runs(db) > before, 20)
        message = wait_for("an error message label",
                           lambda: next((t for t in label_texts(window) if t in ERROR_MESSAGES),
                                        None))
        print(f"e2e-sync.py: the error shows: {message}")
        # A 503 is Open mSupply's UNKNOWN; omsync says what it is (issue 13).
        if message != "The central server is unavailable":
            fail(f"a 503 reads as '{message}', not as the central server being unavailable")
        if not any(t.startswith("Last successful sync ") for t in label_texts(window)):
            fail("the last successful sync is no longer shown after an error")

        info = wait_for("an 'Error details' button",
                        lambda: clickable_named(window, "Error details"), 10)
        if copy_buttons(app):
            fail("the popover's 'Copy details' button is exposed before the popover opens")
        click(info)
        copy = wait_for("the popover's 'Copy details' button", lambda: copy_buttons(app), 10)[0]
        print(f"e2e-sync.py: the i popover opened ({copy.get_name()})")
        hint = wait_for("the hint with the time the server asked for",
                        lambda: next((t for t in label_texts(app)
                                      if "asked to be tried again after" in t), None), 10)
        print(f"e2e-sync.py: the hint says: {hint}")
        if any("quark" in t or "-> [" in t for t in label_texts(app)):
            fail("the technical details show a GLib quark name or a '-> [' dump")
        if screenshot:
            time.sleep(0.5)
            subprocess.run(["import", "-window", "root", screenshot], check=True)
    finally:
        central_request(db, "DELETE")


if __name__ == "__main__":
    main()
