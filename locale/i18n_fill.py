"""Translator's helper for locale/en/LC_MESSAGES/django.po (not imported by the project).

    python locale/i18n_fill.py dump  DIR   # untranslated / fuzzy entries -> DIR/todo.tsv + DIR/todo.json
    python locale/i18n_fill.py fill  FILE  # "N<TAB>English" lines (N from todo.tsv) -> msgstr, fuzzy removed
    python locale/i18n_fill.py check      # counts of untranslated / fuzzy / placeholder mismatches

A pass after others add strings:
    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=static/vendor --no-obsolete
    .venv/bin/python locale/i18n_fill.py dump /tmp/i18n   # translate todo.tsv into a "N<TAB>English" file
    .venv/bin/python locale/i18n_fill.py fill /tmp/i18n/en.txt && .venv/bin/python locale/i18n_fill.py check
    make messages      # msgfmt --check-format; tests/i18n/test_english.py fails on any untranslated/fuzzy entry
A translation that must keep a leading space ("（负责人）" -> " (head)") is set with polib directly: fill strips.

Needs polib in the venv (pip install polib); it is a tool for the translator, not a dependency.
"""
from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-zA-Z_0-9]+\)[sd]|%[sd]|\{[a-zA-Z_0-9]*\}|\{\{ ?[a-zA-Z_0-9.]+ ?\}\}")


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def _unesc(s: str) -> str:
    return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def load() -> polib.POFile:
    po = polib.pofile(str(PO), wrapwidth=0)
    po.header = "English translation of the medical quality management system (UI msgids are Chinese)."
    po.metadata["Project-Id-Version"] = "qms"
    po.metadata["Last-Translator"] = "QMS i18n <i18n@qms.invalid>"
    po.metadata["Language-Team"] = "English"
    po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    po.metadata["Language"] = "en"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata_is_fuzzy = False
    return po


def placeholders(s: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(s))


def todo(po: polib.POFile) -> list[polib.POEntry]:
    out = []
    for e in po:
        if e.obsolete:
            continue
        empty = (not e.msgstr) if not e.msgid_plural else not all(e.msgstr_plural.values())
        if empty or "fuzzy" in e.flags:
            out.append(e)
    return out


def dump(target: str) -> None:
    po = load()
    d = Path(target)
    d.mkdir(parents=True, exist_ok=True)
    entries = todo(po)
    ids = {}
    lines = []
    for n, e in enumerate(entries, 1):
        ids[n] = [e.msgid, e.msgctxt]
        where = e.occurrences[0][0] if e.occurrences else ""
        hint = f"\t[was: {_esc(e.msgstr)}]" if "fuzzy" in e.flags and e.msgstr else ""
        lines.append(f"{n}\t{_esc(e.msgid)}\t({where}){hint}")
    (d / "todo.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "todo.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
    po.save()
    print(f"{len(entries)} entries to translate -> {d / 'todo.tsv'}")


def fill(path: str) -> None:
    po = load()
    ids = json.loads((Path(path).parent / "todo.json").read_text(encoding="utf-8"))
    bad = 0
    done = 0
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        n, _, text = raw.strip().partition(" ") if "\t" not in raw else raw.partition("\t")
        msgid, ctxt = ids[n.strip()]
        text = _unesc(text.strip())
        e = po.find(msgid, msgctxt=ctxt) if ctxt else po.find(msgid)
        if e is None:
            print(f"gone: {n} {msgid!r}")
            continue
        if placeholders(e.msgid) != placeholders(text.partition(" ||| ")[0]):
            print(f"PLACEHOLDER MISMATCH {n}: {e.msgid!r} -> {text!r}")
            bad += 1
            continue
        if e.msgid_plural:
            one, _, many = text.partition(" ||| ")
            e.msgstr_plural = {0: one, 1: many or one}
        else:
            e.msgstr = text
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
        e.previous_msgid = e.previous_msgid_plural = e.previous_msgctxt = None
        done += 1
    po.save()
    print(f"filled {done}, rejected {bad}")


def check() -> int:
    po = load()
    po.save()
    left = todo(po)
    mism = [e for e in po if e.msgstr and placeholders(e.msgid) != placeholders(e.msgstr)]
    print(f"entries {len(po)}, untranslated/fuzzy {len(left)}, placeholder mismatches {len(mism)}")
    for e in mism:
        print("  ", repr(e.msgid), "->", repr(e.msgstr))
    return 1 if left or mism else 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "dump":
        dump(sys.argv[2])
    elif cmd == "fill":
        fill(sys.argv[2])
    else:
        sys.exit(check())
