"""Uploads in S3-compatible storage when AWS_STORAGE_BUCKET_NAME is set (issue #14), private and
never overwritten; on the local disk otherwise. Read from the settings in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.core.files.storage import storages
s = storages["default"]
print(json.dumps({"class": type(s).__name__, "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None), "location": getattr(s, "location", None),
    "acl": getattr(s, "default_acl", "-"), "signed": getattr(s, "querystring_auth", None),
    "overwrite": getattr(s, "file_overwrite", None)}))
"""


def storage(tmp_path: Path, **variables: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(COCREA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="cocrea.settings", **variables)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_uploads_stay_on_the_local_disk_without_a_bucket(tmp_path):
    assert storage(tmp_path)["class"] == "FileSystemStorage"


@pytest.mark.parametrize("endpoint", ["", "http://127.0.0.1:9000"])
def test_a_bucket_puts_uploads_in_s3_private_and_never_overwritten(tmp_path, endpoint):
    found = storage(tmp_path, AWS_STORAGE_BUCKET_NAME="cocrea-media", AWS_S3_ENDPOINT_URL=endpoint)
    assert found == {
        "class": "S3Storage",
        "bucket": "cocrea-media",
        "endpoint": endpoint or None,
        "location": "media",
        "acl": "private",
        "signed": True,
        "overwrite": False,
    }
