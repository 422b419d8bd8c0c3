#!/usr/bin/env python
"""Container health check for the web service: GET /healthz from inside the container.

Sends the first ALLOWED_HOSTS name as Host (Django rejects other hosts) and exits 0 only on a
200 answer, which /healthz gives when both the database and the broker respond.
"""

import os
import sys
import urllib.error
import urllib.request

port = os.environ.get("PORT", "8000")
hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError) as exc:
    print(f"healthz failed: {exc}", file=sys.stderr)
    sys.exit(1)
