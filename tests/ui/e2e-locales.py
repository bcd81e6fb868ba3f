#!/usr/bin/python3
# e2e-locales.py: the running `omsync --demo` speaks LANG: over AT-SPI, the sidebar, each
# page's title and the Sync status window show no English msgid whose translation in
# po/LANG.po differs from it; each page's title is its sidebar row's name; every control on
# screen still has an accessible name (e2e-a11y-names walks the whole trees); and for a right-to-left language the sidebar lies to the
# right of the content (to the left for the others).
#
# Before the window is read, every letter the catalogue uses must have a glyph in an installed
# font (fontconfig), or the screen would show boxes (Pashto's ۍ is not in DejaVu Sans).
#
# Usage (from e2e-locales.sh): e2e-locales.py LANG PATH/TO/po/LANG.po

import subprocess
import sys
import unicodedata

from e2e_a11y import (RIGHT_TO_LEFT, Atspi, extents, fail, find_app, find_frame, frames, key,
                      mouse_click, name_of, on_screen, read_po, say, state, unnamed_controls,
                      wait_for, walk)


def without_mnemonic(text):
    return text.replace("_", "")


class Catalogue:
    """What of the English a screen must no longer show in this language."""

    def __init__(self, path):
        entries = read_po(path)
        translations = {without_mnemonic(t) for t in entries.values()}
        # An English msgid that is also some translation (a Tetum word borrowed from
        # Portuguese, "V6") proves nothing.
        self.english = {without_mnemonic(m): without_mnemonic(t) for m, t in entries.items()
                        if without_mnemonic(m) != without_mnemonic(t)
                        and without_mnemonic(m) not in translations}
        if not self.english:
            fail(f"{path} translates nothing")

    def left_in_english(self, texts):
        return sorted({t for t in texts if t in self.english})


def without_glyphs(po):
    """The characters of the catalogue's translations that no installed font draws."""
    letters = {c for t in read_po(po).values() for c in t
               if ord(c) > 0x7f and unicodedata.category(c)[0] not in ("C", "Z")}
    missing = []
    for c in sorted(letters):
        fonts = subprocess.run(["fc-list", f":charset={ord(c):x}", "family"],
                               capture_output=True, text=True).stdout.strip()
        if not fonts:
            missing.append(f"{c} U+{ord(c):04X} {unicodedata.name(c, '?')}")
    return missing


def shown_texts(root):
    """The names of what is on screen under @root: labels, buttons, rows, the window."""
    texts = []
    for node in walk(root):
        try:
            if not visible(node):
                continue
            name = name_of(node)
            if name:
                texts.append(name)
        except Exception:
            continue
    return texts


def visible(node):
    return state(node, Atspi.StateType.VISIBLE)


def sidebar_of(main):
    """The navigation list: the list holding the selectable rows next to the window's edge."""
    best = None
    for node in walk(main):
        if node.get_role() != Atspi.Role.LIST or not on_screen(node):
            continue
        rows = [c for c in walk(node) if c.get_role() == Atspi.Role.LIST_ITEM]
        if len(rows) >= 4 and (best is None or extents(node)[2] < extents(best)[2]):
            best = node
    return best


def page_title(main, bar):
    """The title label of the content's header bar: an on-screen AdwWindowTitle's label that
    lies outside the sidebar."""
    bx, _, bw, _ = extents(bar)
    for node in walk(main):
        if name_of(node) != "AdwWindowTitle" or not on_screen(node):
            continue
        x, _, w, _ = extents(node)
        if x + w <= bx or x >= bx + bw:
            label = next((n for n in walk(node) if n.get_role() == Atspi.Role.LABEL), None)
            if label is not None:
                return label
    return None


def main():
    lang, po = sys.argv[1], sys.argv[2]
    catalogue = Catalogue(po)
    problems = []
    missing = without_glyphs(po)
    if missing:
        problems.append(f"no installed font draws {missing}")

    app = wait_for("omsync on the AT-SPI desktop", find_app, 20)
    main_window = wait_for("the main window", lambda: find_frame(app, "omsync"), 20)
    bar = wait_for("the sidebar", lambda: sidebar_of(main_window), 20)
    rows = [n for n in walk(bar) if n.get_role() == Atspi.Role.LIST_ITEM]

    texts = shown_texts(bar)
    english = catalogue.left_in_english(texts)
    if english:
        problems.append(f"the sidebar shows English: {english}")
    say(f"{lang}: sidebar: {[name_of(r) for r in rows]}")

    # Right to left: the sidebar on the right of the content.
    title = wait_for("the page's title", lambda: page_title(main_window, bar), 10)
    bx, _, bw, _ = extents(bar)
    tx, _, tw, _ = extents(title)
    if lang in RIGHT_TO_LEFT and not bx >= tx + tw:
        problems.append(f"the sidebar (x {bx}..{bx + bw}) is not to the right of the content "
                        f"(its title at x {tx}..{tx + tw})")
    if lang not in RIGHT_TO_LEFT and not bx + bw <= tx:
        problems.append(f"the sidebar (x {bx}..{bx + bw}) is not to the left of the content "
                        f"(its title at x {tx}..{tx + tw})")

    # Each page: its title is its row's name, in this language.
    for row in rows:
        if not state(row, Atspi.StateType.SELECTABLE):
            continue  # Sync and About open windows of their own
        mouse_click(row, "^omsync$")
        wait_for(f"the page '{name_of(row)}'",
                 lambda: name_of(page_title(main_window, bar) or row) == name_of(row)
                 and page_title(main_window, bar) is not None, 10)
        shown = name_of(page_title(main_window, bar))
        english = catalogue.left_in_english([shown])
        if english:
            problems.append(f"the page title is English: {english}")
        say(f"{lang}: page '{shown}'")
        problems.extend(f"unnamed on '{shown}': {u}"
                        for u in unnamed_controls(main_window, shown_only=True))

    # The Sync status window.
    before = len(frames(app))
    key("ctrl+alt+s")
    sync = wait_for("the Sync window", lambda: frames(app)[-1] if len(frames(app)) > before
                    else None, 10)
    wait_for("the Sync window's content",
             lambda: any(n.get_role() == Atspi.Role.PUSH_BUTTON for n in walk(sync)), 10)
    texts = shown_texts(sync)
    english = catalogue.left_in_english(texts)
    if english:
        problems.append(f"the Sync window shows English: {english}")
    if name_of(sync) in catalogue.english:
        problems.append(f"the Sync window's title is English: {name_of(sync)}")
    problems.extend(f"unnamed in the Sync window: {u}"
                    for u in unnamed_controls(sync, shown_only=True))
    say(f"{lang}: the Sync window '{name_of(sync)}' shows {len(texts)} texts")
    key("Escape")
    wait_for("the Sync window to close", lambda: len(frames(app)) == before, 10)

    if problems:
        for problem in problems:
            print(f"{lang}: {problem}", file=sys.stderr)
        fail(f"{lang}: {len(problems)} problems")
    say(f"{lang}: the sidebar, the page titles and the Sync window are in this language")


if __name__ == "__main__":
    main()
