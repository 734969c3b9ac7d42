"""Housekeeping of stored document files: the sweep that removes files no row
names.

A file is written before its row, and the row's own transaction deletes the file
if it fails. But when an outer transaction rolls back after the row was written,
the row goes and the file stays: nobody can reach it (every download goes through a
row), yet Tideline would be keeping bytes it has no record of. The sweep removes
such files once they are old enough that no upload can still be writing their row.
"""

import logging
import re
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from cases.services.documents import STORAGE_FOLDER

logger = logging.getLogger(__name__)

# Longer than any upload takes between writing its file and committing its row.
ORPHAN_GRACE = timedelta(hours=1)
# The names `document_file_store` gives (and Django's suffix, should a name ever be
# taken); any other file in the folder is not Tideline's to remove.
_STORED_NAME = re.compile(r"[0-9a-f]{32}(?:_[A-Za-z0-9]{7})?")
_BATCH = 500


def _models_naming_stored_files() -> list[type[models.Model]]:
    """Every model with a `stored_name` field: case documents, and any other
    attachment stored through `document_file_store`, whichever app it is in."""
    return [
        model
        for model in apps.get_models()
        if any(field.name == "stored_name" for field in model._meta.concrete_fields)
    ]


def _names_in_use(names: list[str]) -> set[str]:
    in_use: set[str] = set()
    for model in _models_naming_stored_files():
        # The base manager: this sweep is no one's request, and a scoped default
        # manager must not hide a row and so lose its file.
        in_use.update(
            model._base_manager.filter(stored_name__in=names).values_list("stored_name", flat=True)
        )
    return in_use


def stored_files_orphans_sweep(
    *, older_than: timedelta = ORPHAN_GRACE, now: datetime | None = None
) -> dict[str, int]:
    """Delete the stored files that no row names and that are older than
    `older_than`. Idempotent: a second run finds nothing more to delete. Returns how
    many files were deleted, kept (a row names them), too recent to judge, and not
    Tideline's (left alone)."""
    now = now or timezone.now()
    counts = {"deleted": 0, "kept": 0, "recent": 0, "foreign": 0}
    if not default_storage.exists(STORAGE_FOLDER):
        return counts
    _, files = default_storage.listdir(STORAGE_FOLDER)
    candidates = []
    for file in sorted(files):
        if not _STORED_NAME.fullmatch(file):
            counts["foreign"] += 1
            continue
        name = f"{STORAGE_FOLDER}/{file}"
        try:
            modified = default_storage.get_modified_time(name)
        except FileNotFoundError:
            continue  # deleted since the listing
        if timezone.is_naive(modified):
            modified = timezone.make_aware(modified)
        if now - modified < older_than:
            counts["recent"] += 1
        else:
            candidates.append(name)
    for start in range(0, len(candidates), _BATCH):
        batch = candidates[start : start + _BATCH]
        in_use = _names_in_use(batch)
        for name in batch:
            if name in in_use:
                counts["kept"] += 1
                continue
            default_storage.delete(name)
            counts["deleted"] += 1
            logger.warning("Deleted stored file %s: no row names it", name)
    logger.info("Stored files sweep: %s", counts)
    return counts
