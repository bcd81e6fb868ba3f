#!/usr/bin/python3
# e2e-atspi.py WHAT: reads what the running omsync shows over AT-SPI, for the end-to-end
# scripts. "url" prints the text beside "Server:"; "qr" prints the centre of the QR code image
# in window coordinates; "queued" prints the number of records waiting to be pushed, from the
# Sync row's description (0 when it names none); "coldchain" prints the centre of the
# sidebar's "Cold chain" label in window coordinates; "chart" prints the Cold chain page's
# temperature chart as a screen reader reads it: its name, a newline, its description. Exits 1
# when it is not shown within 15 s.
import re
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

what = sys.argv[1]


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


deadline = time.time() + 15
while time.time() < deadline:
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is None or app.get_name() != "omsync":
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
