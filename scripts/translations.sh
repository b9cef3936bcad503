#!/usr/bin/env bash
# Refresh the Babel catalogs: extract Vietnamese msgids, merge them into en and vi, compile, report gaps.
# Safe to re-run at any time; existing English translations are kept (the .po files are the source).
#
#   scripts/translations.sh            extract + update + compile, then list untranslated English msgids
#   scripts/translations.sh compile    compile only (what `make translations` does)
#   scripts/translations.sh missing    print untranslated/stale English msgids as a JSON {msgid: ""} skeleton
#   scripts/translations.sh apply F    merge a JSON file {msgid: "English"} into en/messages.po, then compile
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYBABEL="$VENV/bin/pybabel"
PY="$VENV/bin/python"
DIR=ledger/translations
POT=$DIR/messages.pot

extract() {
    "$PYBABEL" -q extract -F babel.cfg -k _l -k _ -k ngettext:1,2 \
        --project="Quỹ khuyến học ledger" --copyright-holder="Quỹ khuyến học ledger" \
        --add-comments=TRANSLATORS: -o "$POT" .
    echo "msgids in $POT: $(grep -c '^msgid "' "$POT" | awk '{print $1 - 1}')"
}

update() {
    for lang in en vi; do
        if [[ -f $DIR/$lang/LC_MESSAGES/messages.po ]]; then
            "$PYBABEL" -q update -i "$POT" -d "$DIR" -l "$lang" --no-fuzzy-matching
        else
            "$PYBABEL" -q init -i "$POT" -d "$DIR" -l "$lang"
        fi
    done
}

compile() {
    "$PYBABEL" -q compile -d "$DIR"
}

# Python helpers over the English catalog; the argument names the action.
po_tool() {
    "$PY" - "$@" <<'PYTHON'
import json
import re
import sys

from babel.messages.pofile import read_po, write_po

PO = "ledger/translations/en/LC_MESSAGES/messages.po"
TOKENS = re.compile(r"%\(\w+\)[sdifr]|%%|%[sdifr]|</?[a-zA-Z][\w-]*")


def tokens(text):
    """What a translation must keep: placeholders, %%, tag names, and leading/trailing spaces."""
    text = text or ""
    return sorted(TOKENS.findall(text)) + [text[:1].isspace(), text[-1:].isspace()]


def pairs(message):
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    strs = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return ids, strs


def is_missing(message):
    ids, strs = pairs(message)
    return not all(strs) or message.fuzzy


def load():
    with open(PO, "rb") as handle:
        return read_po(handle, locale="en")


def key(message):
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def missing(catalog):
    """Untranslated msgids, with an earlier translation of the same msgid (now obsolete) as a hint."""
    return {key(m): (catalog.obsolete[m.id].string if m.id in catalog.obsolete else "")
            for m in catalog if m.id and is_missing(m)}


def apply(catalog, translations):
    """Write translations in; refuse any whose placeholders or tags differ from the msgid."""
    bad, applied = [], 0
    for message in catalog:
        if not message.id or key(message) not in translations:
            continue
        value = translations[key(message)]
        values = value if isinstance(value, list) else [value]
        ids, _ = pairs(message)
        if any(not v or tokens(v) != tokens(ids[min(i, len(ids) - 1)]) for i, v in enumerate(values)):
            bad.append(key(message))
            continue
        message.string = tuple(values) if isinstance(message.id, (list, tuple)) else values[0]
        message.flags.discard("fuzzy")
        applied += 1
    with open(PO, "wb") as handle:
        write_po(handle, catalog, width=76)
    print(f"applied {applied} translations", file=sys.stderr)
    for msgid in bad:
        print(f"REFUSED (placeholders, tags or edge spaces differ, or empty): {msgid!r}", file=sys.stderr)
    return not bad


action = sys.argv[1]
catalog = load()
if action == "report":
    gaps = missing(catalog)
    print(f"untranslated English msgids: {len(gaps)}")
    for msgid in gaps:
        print("  " + msgid.replace("\n", "\\n"))
elif action == "missing":
    print(json.dumps(missing(catalog), ensure_ascii=False, indent=1))
elif action == "apply":
    with open(sys.argv[2], encoding="utf-8") as handle:
        sys.exit(0 if apply(catalog, json.load(handle)) else 1)
PYTHON
}

case "${1:-all}" in
    all) extract; update; compile; po_tool report ;;
    compile) compile ;;
    missing) po_tool missing ;;
    apply) status=0; po_tool apply "$2" || status=$?; compile; exit $status ;;
    *) echo "usage: $0 [all|compile|missing|apply FILE.json]" >&2; exit 2 ;;
esac
