"""gunicorn for ledger.service: workers × threads on localhost, behind nginx (deploy/nginx.conf).

Each setting can be changed without editing this file through GUNICORN_* in /etc/ledger/ledger.env.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests mostly wait on PostgreSQL: threads overlap the waits, processes use the cores.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A national statement's first PDF takes seconds; an import of 20 MB a little more.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Logs go to the journal (journalctl -u ledger).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "ledger"
# systemctl reloads and stops it. gunicorn ≥ 25.1's control socket would sit in $HOME, where the public
# portal's second instance (same user) would take it over; older gunicorn ignores this name.
control_socket_disable = True
