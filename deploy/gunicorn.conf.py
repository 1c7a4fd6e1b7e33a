"""gunicorn's settings for jour-web.service (README "Run it in production"). The bind address and
the number of workers are on the unit's command line, where the topology test reads them."""

# Django writes one JSON access line per request (jour_core/logs.py): no second access log.
accesslog = None
errorlog = "-"
# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (a tmpfs, for gunicorn's heartbeat only)
# Not preloaded: a HUP (systemctl reload jour-web) starts new workers on the new code.
preload_app = False
timeout = 60
graceful_timeout = 30
keepalive = 5
# nginx on the same machine sets X-Forwarded-Proto; Django reads it (TRUSTED_PROXY_COUNT).
forwarded_allow_ips = "127.0.0.1,::1"
