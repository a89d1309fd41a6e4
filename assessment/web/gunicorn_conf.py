"""gunicorn settings for production, also used by bench/web.py:

    gunicorn -c python:assessment.web.gunicorn_conf -b 0.0.0.0:8000 'assessment.web:create_app()'

Command-line options override these (e.g. -w 4 on a 4-core machine, or WEB_CONCURRENCY=4).
"""

import os

# One process per core: the app is CPU-bound Python, so more processes only take turns.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
# Threads overlap a request's database and socket waits with another's CPU work, and keep a
# worker answering while it renders a PDF.
worker_class = "gthread"
threads = 2
# Each worker gets its own listening socket and the kernel spreads new connections over them.
# With one shared socket, whichever gthread worker woke first accepted nearly all of them
# (28-32 of 32 keep-alive connections in bench/web.py): one core busy, the other idle.
reuse_port = True
