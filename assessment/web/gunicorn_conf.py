"""gunicorn settings for production, also used by bench/web.py:

    gunicorn -c python:assessment.web.gunicorn_conf -b 0.0.0.0:8000 'assessment.web:create_app()'

Command-line options override these (e.g. -w 4 on a 4-core machine, or WEB_CONCURRENCY=4).
"""

import os

# One process per core: the app is CPU-bound Python, so more processes only take turns.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
# Threads read requests and write responses while others run; of them only WEB_ACTIVE_REQUESTS (2) run
# the app's code at once, in arrival order (web/admission.py). gthread hands a connection to a thread at its first byte
# and the thread then waits for the rest of the request however slowly it comes, so the thread count
# is also how many slow clients (trickled headers or bodies) a worker takes before it stops answering:
# 32 each (tests/web/test_slow_clients.py holds 20 on two workers). The GIL runs one at a time anyway,
# so more threads cost memory for their stacks, not CPU. Past that, the buffering proxy below.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 32)
# Each worker gets its own listening socket and the kernel spreads new connections over them.
# With one shared socket, whichever gthread worker woke first accepted nearly all of them
# (28-32 of 32 keep-alive connections in bench/web.py): one core busy, the other idle.
reuse_port = True
# Forwarded headers are the app's to trust (TRUST_PROXY, through ProxyFix), never gunicorn's own: by
# default it believes X-Forwarded-Proto from loopback, so any local client could pass for HTTPS.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
# A request slot is held for as long as a client takes to send its request: deploy behind a proxy that
# buffers whole requests (nginx does by default), so slow clients wait there, not here. These bound what
# gets through anyway.
timeout = 30
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
