"""Static files: hashed, compressed copies in production; the plain files where none are collected."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class KesuStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage that does not fail when `collectstatic` has not run.

    Production runs `collectstatic`, so every URL carries its content hash and can be cached
    for a year. Under `runserver` and in the tests nothing is collected: there the plain name
    is used (and served from the apps by WhiteNoise's finders or Django's static view) instead
    of raising on every page.
    """

    manifest_strict = False

    def create_compressor(self, **kwargs):
        # gzip only: every browser takes it, and Brotli at its top quality made collectstatic
        # take a minute of CPU for the API documentation's bundles alone.
        return super().create_compressor(use_brotli=False, **kwargs)

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            return name
