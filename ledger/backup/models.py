"""Backups keep no tables: a backup is a file, and making one from the page is recorded in the audit log.
(create_app imports every feature's models module before any API is registered.)"""
