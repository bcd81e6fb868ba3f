# e2e_a11y.py: what the accessibility and language end-to-end tests share (e2e-a11y-names.py,
# e2e-locales.py, e2e-keyboard.py, i18n-screenshots.py): walking the AT-SPI tree of the
# running omsync, telling a named control from an unnamed one, pressing keys with xdotool,
# faulting the demo central, and reading a language's catalogue.
#
# Runs with /usr/bin/python3 (python3-gi) inside the caller's session bus.

import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
import warnings

warnings.filterwarnings("ignore")
import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

PROGRAM = os.path.basename(sys.argv[0])

# The controls a screen reader announces by name: buttons, toggles, images, rows, and the
# form fields beside them.
NAMED_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.IMAGE, Atspi.Role.LIST_ITEM, Atspi.Role.SPIN_BUTTON,
    Atspi.Role.TEXT, Atspi.Role.MENU_ITEM, Atspi.Role.CHECK_MENU_ITEM,
    Atspi.Role.RADIO_MENU_ITEM, Atspi.Role.LINK, Atspi.Role.COMBO_BOX, Atspi.Role.SLIDER,
    Atspi.Role.PAGE_TAB, Atspi.Role.TABLE_ROW,
}

# GTK 4.8 gives an accessible with no label the name of its class (or its child's), e.g.
# "GtkMenuButton", "GtkImage": that is no name to a person.
CLASS_NAME = re.compile(r"(Gtk|Adw|Oms)[A-Z][A-Za-z]*")


def fail(message):
    print(f"{PROGRAM}: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def say(message):
    print(f"{PROGRAM}: {message}", flush=True)


def wait_for(what, predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.1)
    fail(f"timed out waiting for {what}")


def walk(node, depth=0):
    if node is None or depth > 80:
        return
    yield node
    try:
        count = node.get_child_count()
    except Exception:
        return
    for i in range(count):
        try:
            child = node.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() == "omsync":
            return app
    return None


def frames(app):
    return [app.get_child_at_index(i) for i in range(app.get_child_count())]


def find_frame(app, name):
    return next((f for f in frames(app) if f is not None and f.get_name() == name), None)


def name_of(node):
    try:
        return (node.get_name() or "").strip()
    except Exception:
        return ""


def is_unnamed(name):
    return not name or CLASS_NAME.fullmatch(name) is not None


def state(node, which):
    try:
        return node.get_state_set().contains(which)
    except Exception:
        return False


def visible(node):
    # GTK 4.8 sets VISIBLE on what is shown and does not keep SHOWING up to date.
    return state(node, Atspi.StateType.VISIBLE)


def extents(node):
    """(x, y, width, height) in window coordinates; (0, 0, 0, 0) when not on screen."""
    try:
        e = node.get_extents(Atspi.CoordType.WINDOW)
        return (e.x, e.y, e.width, e.height)
    except Exception:
        return (0, 0, 0, 0)


def on_screen(node):
    _, _, w, h = extents(node)
    return w > 0 and h > 0 and visible(node)


def find(root, role=None, name=None, where=None):
    for node in walk(root):
        try:
            if role is not None and node.get_role() != role:
                continue
            if name is not None and name_of(node) != name:
                continue
            if where is not None and not where(node):
                continue
            return node
        except Exception:
            continue
    return None


def describe(node):
    """Where @node is, for a failure message: its role, the named ancestors above it, and the
    texts beside it."""
    chain = []
    parent = node
    for _ in range(40):
        try:
            parent = parent.get_parent()
        except Exception:
            break
        if parent is None or parent.get_role() == Atspi.Role.APPLICATION:
            break
        name = name_of(parent)
        if name and not is_unnamed(name):
            chain.append(f"{parent.get_role_name()} '{name}'")
    near = []
    try:
        siblings = node.get_parent()
        for other in walk(siblings):
            if other.get_role() == Atspi.Role.LABEL and name_of(other) \
                    and not is_unnamed(name_of(other)):
                near.append(name_of(other))
    except Exception:
        pass
    where = " < ".join(chain[:4]) or "(top)"
    beside = f"; beside: {near[:3]}" if near else ""
    x, y, w, h = extents(node)
    return f"{node.get_role_name()} '{name_of(node)}' in {where}{beside} at {x},{y} {w}x{h}"


def unnamed_controls(root, shown_only=False):
    """Every button, toggle, image, row or field under @root with no accessible name (with
    @shown_only, only those on screen)."""
    found = []
    for node in walk(root):
        try:
            role = node.get_role()
        except Exception:
            continue
        if role in NAMED_ROLES and is_unnamed(name_of(node)) \
                and (not shown_only or on_screen(node)):
            found.append(describe(node))
    return found


def actions(node):
    try:
        return [Atspi.Action.get_action_name(node, i)
                for i in range(Atspi.Action.get_n_actions(node))]
    except Exception:
        return []


def click(node):
    """Activates @node (or the first descendant that can be clicked, as GtkMenuButton's inner
    toggle) through its AT-SPI action."""
    for inner in walk(node):
        names = actions(inner)
        if "click" in names:
            if not Atspi.Action.do_action(inner, names.index("click")):
                fail(f"clicking '{name_of(node)}' failed")
            return
    fail(f"{node.get_role_name()} '{name_of(node)}' has no click action")


def focused(app):
    """The accessible that has the keyboard focus, or None."""
    for node in walk(app):
        if state(node, Atspi.StateType.FOCUSED):
            return node
    return None


def focused_within(app, node):
    """Whether the focus is on @node or inside it."""
    current = focused(app)
    while current is not None:
        if current == node or (current.get_role() == node.get_role()
                               and name_of(current) == name_of(node)
                               and extents(current) == extents(node)):
            return True
        try:
            current = current.get_parent()
        except Exception:
            return False
    return False


def key(*keys):
    """Presses keys with xdotool on the focused window (GTK focuses its own windows: there is
    no window manager under Xvfb)."""
    subprocess.run(["xdotool", "key", "--clearmodifiers", *keys], check=True)
    time.sleep(0.15)


def window_origin(name_pattern):
    """The screen position of the first visible X window whose title matches the pattern."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name_pattern],
                         capture_output=True, text=True).stdout.split()
    if not out:
        return None
    geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", out[0]],
                              capture_output=True, text=True, check=True).stdout
    values = dict(line.split("=", 1) for line in geometry.split())
    return int(values["X"]), int(values["Y"])


def mouse_click(node, title_pattern):
    """A pointer click in the middle of @node, in the window titled like @title_pattern."""
    origin = wait_for(f"the window '{title_pattern}'", lambda: window_origin(title_pattern), 10)
    x, y, w, h = extents(node)
    subprocess.run(["xdotool", "mousemove", "--sync", str(origin[0] + x + w // 2),
                    str(origin[1] + y + h // 2), "click", "1"], check=True)
    subprocess.run(["xdotool", "mousemove", "0", "0"], check=True)


def site_db(tmp):
    for entry in sorted(os.listdir(tmp)):
        path = os.path.join(tmp, entry, "omsync.sqlite")
        if entry.startswith("omsync-demo-") and os.path.exists(path):
            return path
    return None


def db_value(db, sql):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def runs(db):
    return db_value(db, "SELECT count(*) FROM sync_log")[0]


def last_run_failed(db):
    row = db_value(db, "SELECT error_message FROM sync_log "
                       "ORDER BY started_datetime DESC LIMIT 1")
    return row is not None and row[0] is not None


def central_fault(db, body=None):
    """POSTs @body to the demo central's /admin/fault (a fault for every request), or with
    None DELETEs it (the central answers normally again)."""
    url = db_value(db, "SELECT value_string FROM key_value_store "
                       "WHERE id = 'SETTINGS_SYNC_URL'")[0]
    request = urllib.request.Request(url.rstrip("/") + "/admin/fault",
                                     data=body.encode() if body else None,
                                     method="POST" if body else "DELETE")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        if response.status not in (200, 204):
            fail(f"/admin/fault answered {response.status}")


# -- catalogues ---------------------------------------------------------------------------

def _po_string(text):
    return (text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t")
            .replace("\\\\", "\\"))


def read_po_entries(path):
    """[(msgid, msgid_plural or None, [translations])] for the translated, non-fuzzy entries
    of a .po file without a context; a plural entry has one translation per form."""
    entries = []
    fields = {}
    current = None
    fuzzy = False

    def flush():
        nonlocal fields, fuzzy
        msgid = fields.get("msgid", "")
        forms = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr["))]
        if "msgstr" in fields:
            forms = [fields["msgstr"]]
        if msgid and not fuzzy and "msgctxt" not in fields and forms and all(forms):
            entries.append((msgid, fields.get("msgid_plural"), forms))
        fields = {}
        fuzzy = False

    with open(path, encoding="utf-8") as po:
        for raw in po:
            line = raw.strip()
            if not line:
                flush()
                current = None
                continue
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if match:
                if match.group(1) in ("msgid", "msgctxt") and "msgstr" in " ".join(fields):
                    flush()
                current = match.group(1)
                fields[current] = _po_string(match.group(2))
            elif line.startswith('"') and current is not None:
                fields[current] += _po_string(line[1:-1])
    flush()
    return entries


def read_po(path):
    """{msgid: translation} for the translated, non-fuzzy entries of a .po file (a plural
    entry maps its singular msgid to the first form and its plural msgid to the second)."""
    entries = {}
    for msgid, plural, forms in read_po_entries(path):
        entries[msgid] = forms[0]
        if plural:
            entries[plural] = forms[1] if len(forms) > 1 else forms[0]
    return entries


FORMAT = re.compile(r"%(\d+\$)?[-+ 0#']*\d*(\.\d+)?(hh|h|ll|l|L|z|j|t|I64)?[sdiuxXfFgGeEcp]"
                    r"|%<PRI[diux]64>")


def pattern(format_string):
    """A regular expression matching what printf makes of @format_string."""
    pieces = []
    last = 0
    for match in FORMAT.finditer(format_string):
        pieces.append(re.escape(format_string[last:match.start()]))
        pieces.append(".+?")
        last = match.end()
    pieces.append(re.escape(format_string[last:]))
    return re.compile("^" + "".join(pieces) + "$", re.DOTALL)


def linguas(po_dir):
    codes = []
    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            codes.extend(line.split())
    return codes


RIGHT_TO_LEFT = {"ar", "prs", "ps", "fa", "he", "ur"}
EXPECTED_LANGUAGES = ["ar", "es", "fr", "prs", "ps", "pt", "ru", "tet"]
