"""Backups a restore can be trusted with: the database, the uploads and a manifest.

A backup is a folder holding
- `database.dump`: `pg_dump --format=custom --no-owner --no-privileges` (restorable into a
  new database owned by anyone);
- `media.tar.gz`: every uploaded file under `MEDIA_ROOT`;
- `manifest.json`: when, which database, the row count of every table of the project, the
  number and size of the uploads, and a fingerprint of `SECRET_KEY`.

`SECRET_KEY` itself is never written: it is a secret and lives in the deployment's
environment file, which the operator backs up apart from the data. Signed cookies, sessions
and the keyed hashes of check-in devices depend on it, so a restore refuses to run under
another key unless told to (and says what that breaks). Views need no flushing first: each
one is committed to PostgreSQL when it is shown.

`restore` loads a backup into the database `DATABASE_URL` names (created if asked, refused if
it already holds tables) and the uploads into `MEDIA_ROOT`, then counts every table and file
again and fails unless they equal the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def secret_key_fingerprint() -> str:
    """Tells two keys apart without revealing either."""
    return salted_hmac("mitra.backup.secret-key", "fingerprint").hexdigest()[:16]


def _database() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise BackupError(
            "Backups are made with pg_dump, for PostgreSQL; for SQLite copy the database "
            "file (and MEDIA_ROOT) while the server is stopped."
        )
    return db


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def table_counts() -> dict[str, int]:
    """Rows per table of the project's own apps (and users), in the current database."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in {"contenttypes", "admin", "sessions"}:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def media_files(root: Path) -> dict[str, int]:
    """Every file under the uploads folder, relative path → size."""
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): path.stat().st_size
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@dataclass(frozen=True)
class Backup:
    folder: Path
    manifest: dict[str, Any]


def backup_create(*, into: Path) -> Backup:
    """Dump the database and pack the uploads into a new folder under `into`."""
    db = _database()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    folder = into / f"mitra-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    command = [shutil.which("pg_dump") or "pg_dump", *_pg_args(db)]
    command += ["--format=custom", "--no-owner", "--no-privileges", f"--file={folder / DUMP}"]
    _run([*command, str(db["NAME"])], _pg_env(db))
    media_root = Path(settings.MEDIA_ROOT)
    files = media_files(media_root)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        for name in files:
            archive.add(media_root / name, arcname=name, recursive=False)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": str(db["NAME"]),
        "tables": table_counts(),
        "media": {"files": len(files), "bytes": sum(files.values())},
        "secret_key_fingerprint": secret_key_fingerprint(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Backup(folder=folder, manifest=manifest)


def _database_has_tables() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def database_create() -> None:
    """Create the (new, empty) database DATABASE_URL names."""
    db = _database()
    command = [shutil.which("createdb") or "createdb", *_pg_args(db), str(db["NAME"])]
    _run(command, _pg_env(db))


def backup_restore(
    *, folder: Path, create: bool = False, other_secret_key: bool = False
) -> dict[str, Any]:
    """Load the backup into DATABASE_URL's database and MEDIA_ROOT; verify every count."""
    db = _database()
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if manifest["secret_key_fingerprint"] != secret_key_fingerprint() and not other_secret_key:
        raise BackupError(
            "SECRET_KEY differs from the one of the backed-up site. Restore with the same "
            "key (from the deployment's environment file). With another key every session "
            "and signed cookie is void and phones that already checked in could check in "
            "again; pass --other-secret-key to accept that."
        )
    if create:
        database_create()
    connection.close()
    if _database_has_tables():
        raise BackupError(f"Database {db['NAME']} already has tables: restore into a new one.")
    command = [shutil.which("pg_restore") or "pg_restore", *_pg_args(db)]
    command += ["--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={db['NAME']}"]
    _run([*command, str(folder / DUMP)], _pg_env(db))
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    connection.close()
    return backup_verify(manifest=manifest)


def backup_verify(*, manifest: dict[str, Any]) -> dict[str, Any]:
    """Compare the current database and uploads with a manifest; raise on any difference."""
    tables = table_counts()
    expected = manifest["tables"]
    differences = {
        name: (expected.get(name), tables.get(name))
        for name in sorted(set(expected) | set(tables))
        if expected.get(name) != tables.get(name)
    }
    files = media_files(Path(settings.MEDIA_ROOT))
    media = {"files": len(files), "bytes": sum(files.values())}
    if differences or media != manifest["media"]:
        raise BackupError(
            f"The restore differs from the backup: tables {differences}, "
            f"uploads {media} instead of {manifest['media']}."
        )
    return {"tables": len(tables), "rows": sum(tables.values()), **media}
