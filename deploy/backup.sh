#!/usr/bin/env bash
# Nightly backup: a compressed PostgreSQL dump plus the uploads folder, keeping 14 days.
set -euo pipefail
target=${BACKUP_DIR:-/var/backups/bazaar}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$target"
pg_dump --format=custom "${DATABASE_URL/+psycopg/}" > "$target/db-$stamp.dump"
tar -czf "$target/uploads-$stamp.tar.gz" -C /srv/bazaar/instance uploads
find "$target" -type f -mtime +14 -delete
