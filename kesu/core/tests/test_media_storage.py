"""KESU_MEDIA_STORAGE: the settings module read in a fresh process with the environment given."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_STORAGE = """
import json
from django.conf import settings
from django.core.files.storage import storages
default = settings.STORAGES["default"]
out = {"default": default}
if default["BACKEND"] == "storages.backends.s3.S3Storage":
    storage = storages["default"]  # built, no request is sent
    out["built"] = {
        "bucket": storage.bucket_name,
        "location": storage.location,
        "acl": storage.default_acl,
        "signed": storage.querystring_auth,
        "endpoint": storage.endpoint_url,
        # Signing needs credentials; without them boto3 would look for some (e.g. an instance role).
        "url": storage.url("complaints/1/x.jpg") if storage.access_key else None,
    }
print(json.dumps(out))
"""


def _settings_in(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KESU_S3_", "AWS_"))}
    clean.pop("KESU_MEDIA_STORAGE", None)
    clean["DJANGO_SETTINGS_MODULE"] = "kesu.settings"
    clean["AWS_EC2_METADATA_DISABLED"] = "true"  # no look for an instance role: no network
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_STORAGE],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_default_is_the_filesystem_under_media_root():
    done = _settings_in({})
    assert done.returncode == 0, done.stderr
    default = json.loads(done.stdout)["default"]
    assert default == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_with_a_bucket_is_a_private_s3_storage_from_the_environment():
    done = _settings_in(
        {
            "KESU_MEDIA_STORAGE": "s3",
            "KESU_S3_BUCKET": "kesu-files",
            "KESU_S3_ENDPOINT_URL": "https://minio.internal:9000",
            "KESU_S3_REGION": "cn-east-1",
            "KESU_S3_ACCESS_KEY_ID": "kesu-app",
            "KESU_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
            "KESU_S3_PREFIX": "/prod/",
        }
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "kesu-files",
            "location": "prod",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
            "file_overwrite": False,
            "endpoint_url": "https://minio.internal:9000",
            "region_name": "cn-east-1",
            "access_key": "kesu-app",
            "secret_key": "not-a-real-secret",
        },
    }
    built = out["built"]
    assert built["bucket"] == "kesu-files" and built["location"] == "prod"
    assert built["acl"] == "private" and built["signed"] is True
    assert built["endpoint"] == "https://minio.internal:9000"
    # Never a public link: a URL made by mistake is signed and expires.
    assert built["url"].startswith(
        "https://minio.internal:9000/kesu-files/prod/complaints/1/x.jpg?"
    )
    assert "Signature=" in built["url"] or "X-Amz-Signature=" in built["url"]


def test_s3_without_credentials_leaves_them_to_boto3():
    done = _settings_in({"KESU_MEDIA_STORAGE": "s3", "KESU_S3_BUCKET": "kesu-files"})
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout)["default"]["OPTIONS"]
    assert not {"access_key", "secret_key", "endpoint_url", "region_name"} & set(options)
    assert options["location"] == ""


def test_s3_without_a_bucket_refuses_to_start():
    done = _settings_in({"KESU_MEDIA_STORAGE": "s3", "KESU_S3_ENDPOINT_URL": "https://s3.example"})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "KESU_MEDIA_STORAGE=s3 needs KESU_S3_BUCKET" in done.stderr


def test_an_unknown_storage_refuses_to_start():
    done = _settings_in({"KESU_MEDIA_STORAGE": "nfs"})
    assert done.returncode != 0
    assert "it must be 'filesystem' (the default) or 's3'" in done.stderr
