#!/usr/bin/python3
# e2e-atspi.py WHAT: reads what the running omsync shows over AT-SPI, for the end-to-end
# scripts. "url" prints the text beside "Server:"; "qr" prints the centre of the QR code image
# in window coordinates; "queued" prints the number of records waiting to be pushed, from the
# Sync row's description (0 when it names none); "coldchain" prints the centre of the
# sidebar's "Cold chain" label in window coordinates; "chart" prints the Cold chain page's
# temperature chart as a screen reader reads it: its name, a newline, its description;
# "not-running" prints the text beside "Server:" while a Retry button stands in for the QR
# code (and no QR code is shown); "retry" presses that Retry button; "centre NAME" prints the
# centre, in window coordinates, of the first element named NAME that is not a label (a
# sidebar row, say); "text PREFIX" prints the first text shown that starts with PREFIX. Exits
# 1 when it is not shown within 15 s, or within the seconds of the optional second argument.
import re
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

what = sys.argv[1]
argument = sys.argv[2] if what in ("centre", "text") else None
wait_seconds = sys.argv[3 if argument is not None else 2] if len(sys.argv) > (3 if argument is not None else 2) else 15


def walk(acc, depth=0):
    if acc is None or depth > 60:
        return
    yield acc
    try:
        count = acc.get_child_count()
    except Exception:
        return
    for i in range(count):
        try:
            child = acc.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def showing(acc):
    # GTK 4.8 leaves hidden widgets out of the tree and does not set SHOWING.
    return acc.get_state_set().contains(Atspi.StateType.VISIBLE)


def press(acc):
    for i in range(Atspi.Action.get_n_actions(acc)):
        if Atspi.Action.get_action_name(acc, i) == "click":
            return Atspi.Action.do_action(acc, i)
    return False


def not_running(app):
    """The text beside "Server:" while Retry replaces the QR code, else None."""
    retry = qr = reason = None
    for acc in walk(app):
        try:
            name = acc.get_name() or ""
            role = acc.get_role()
            if name.startswith("QR code of the server URL, ") and showing(acc):
                qr = acc
            elif role == Atspi.Role.PUSH_BUTTON and name == "Retry" and showing(acc):
                retry = acc
            elif role == Atspi.Role.LABEL and name == "Server:":
                value = acc.get_parent().get_child_at_index(acc.get_index_in_parent() + 1)
                reason = value.get_name() if value is not None else None
        except Exception:
            continue
    if retry is None or qr is not None or not reason:
        return None
    if what == "retry":
        return "pressed" if press(retry) else None
    return reason


def answer(acc, name, role):
    """What to print for WHAT if @acc shows it, else None."""
    if what == "url" and role == Atspi.Role.LABEL and name == "Server:":
        value = acc.get_parent().get_child_at_index(acc.get_index_in_parent() + 1)
        if value is not None and value.get_name():
            return value.get_name()
    if what == "qr" and name.startswith("QR code of the server URL, "):
        ext = acc.get_extents(Atspi.CoordType.WINDOW)
        if ext.width > 0 and ext.height > 0:
            return f"{ext.x + ext.width // 2} {ext.y + ext.height // 2}"
    if what == "centre" and name == argument and role != Atspi.Role.LABEL:
        ext = acc.get_extents(Atspi.CoordType.WINDOW)
        if ext.width > 0 and ext.height > 0:
            return f"{ext.x + ext.width // 2} {ext.y + ext.height // 2}"
    if what == "text" and role == Atspi.Role.LABEL and name.startswith(argument):
        return name
    if what == "queued" and name == "Sync" and role != Atspi.Role.LABEL:
        description = acc.get_description() or ""
        if description:
            match = re.search(r"(\d+) records? waiting to be pushed", description)
            return match.group(1) if match else "0"
    if what == "coldchain" and role == Atspi.Role.LABEL and name == "Cold chain":
        ext = acc.get_extents(Atspi.CoordType.WINDOW)
        if ext.width > 0 and ext.height > 0:
            return f"{ext.x + ext.width // 2} {ext.y + ext.height // 2}"
    if what == "chart" and role == Atspi.Role.IMAGE and name.startswith("Temperature chart, "):
        description = acc.get_description() or ""
        if description:
            return f"{name}\n{description}"
    return None


deadline = time.time() + float(wait_seconds)
while time.time() < deadline:
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is None or app.get_name() != "omsync":
            continue
        if what in ("not-running", "retry"):
            shown = not_running(app)
            if shown is not None:
                print(shown)
                sys.exit(0)
            continue
        for acc in walk(app):
            try:
                name = acc.get_name() or ""
                role = acc.get_role()
                shown = answer(acc, name, role)
            except Exception:
                continue
            if shown is not None:
                print(shown)
                sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
