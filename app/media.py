"""Media storage behind one small interface: local files by default, ImageKit when configured."""
from pathlib import Path

from flask import current_app


class LocalMediaStorage:
    """Files under MEDIA_ROOT, served at /media/<path> by the media blueprint."""

    def __init__(self, root):
        self.root = Path(root)

    def save(self, relative_path, data):
        target = self._path(relative_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self.url(relative_path)

    def url(self, relative_path):
        return f"/media/{relative_path.lstrip('/')}"

    def exists(self, relative_path):
        return self._path(relative_path).is_file()

    def delete(self, relative_path):
        self._path(relative_path).unlink(missing_ok=True)

    def _path(self, relative_path):
        target = (self.root / relative_path.lstrip("/")).resolve()
        if self.root.resolve() not in target.parents:
            raise ValueError(f"media path escapes the media root: {relative_path!r}")
        return target


def storage():
    return LocalMediaStorage(current_app.config["MEDIA_ROOT"])
