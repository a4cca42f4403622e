"""kesu/core/staticfiles.py: hashed names once collected, the plain name where nothing is."""

from django.core.files.base import ContentFile

from kesu.core.staticfiles import KesuStaticFilesStorage


def test_an_uncollected_file_keeps_its_plain_name(tmp_path):
    storage = KesuStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/kesu.css") == "/static/css/kesu.css"


def test_a_collected_file_gets_its_hashed_name(tmp_path):
    storage = KesuStaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.save("css/site.css", ContentFile(b"body { color: red; }"))
    list(storage.post_process({"css/site.css": (storage, "css/site.css")}))
    url = storage.url("css/site.css")
    assert url.startswith("/static/css/site.") and url.endswith(".css")
    assert url != "/static/css/site.css"


def test_compression_is_gzip_only(tmp_path):
    storage = KesuStaticFilesStorage(location=tmp_path, base_url="/static/")
    compressor = storage.create_compressor(extensions=[], quiet=True)
    assert compressor.use_gzip
    assert not compressor.use_brotli
