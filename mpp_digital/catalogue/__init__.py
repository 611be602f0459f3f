"""Regions, MPPs, agencies, the national services and each hall's offerings, with opening
hours, closures and the demo data; one version number for all of it (versioning.py), which
the public pages' ETags and page cache are built from (caching.py)."""
from . import versioning  # noqa: F401  (registers the flush listener that bumps the version)
