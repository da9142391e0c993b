"""gunicorn settings for a Socket.IO server: ONE threaded worker per process (clients must come
back to the same process); run several on different ports behind nginx ip_hash."""
import os

# Loopback only, as deploy/gunicorn.conf.py explains: nginx is the only way in.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8100")
worker_class = "gthread"
workers = 1
threads = int(os.environ.get("GUNICORN_THREADS", 100))
timeout = 0
accesslog = "-"
errorlog = "-"
