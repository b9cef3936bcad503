#!/usr/bin/env bash
# Tonight's backup: `ledger backup` into LEDGER_BACKUP_DIR as ledger-YYYY-MM-DD.backup, then backups older
# than LEDGER_BACKUP_KEEP_DAYS (default 14) are deleted. Settings come from /etc/ledger/ledger.env.
set -euo pipefail

: "${LEDGER_BACKUP_DIR:?set LEDGER_BACKUP_DIR (see deploy/ledger.env.example)}"
keep_days="${LEDGER_BACKUP_KEEP_DAYS:-14}"
[[ "$keep_days" =~ ^[0-9]+$ ]] || { echo "LEDGER_BACKUP_KEEP_DAYS must be a number of days" >&2; exit 2; }

mkdir -p "$LEDGER_BACKUP_DIR"
ledger backup "$LEDGER_BACKUP_DIR/ledger-$(date +%F).backup"

# Only after tonight's backup succeeded (set -e stops before this), so a failing backup never empties the folder.
find "$LEDGER_BACKUP_DIR" -maxdepth 1 -type f -name 'ledger-*.backup' -mmin "+$((keep_days * 24 * 60))" -print -delete
