"""Test set-up: the plugin is imported as the package ``s2cloudfree``.

The repository root is the plugin folder, and its folder name can be anything (a CI
clone, a worktree). A relative symlink ``.dev/plugins/s2cloudfree -> ../..`` gives it
a stable import name; ``scripts/qgis-process`` uses the same link.
"""

import os
import sys
from pathlib import Path

import pytest

# QGIS writes .aux.xml statistics beside the layers it loads; the real data in
# ../shared/data is read-only input and must stay as it is.
os.environ["GDAL_PAM_ENABLED"] = "NO"

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402

make_plugin_importable()


@pytest.fixture(scope="session")
def shared_data():
    """The real Sentinel samples in ../shared/data (read-only)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"The real-data folder {SHARED_DATA} is missing: it must sit beside the checkout.")
    return SHARED_DATA


@pytest.fixture(scope="session")
def repo_root():
    return REPO


@pytest.fixture(scope="session")
def s2cf_provider(qgis_processing):
    """The S2 CloudFree provider registered in the test session's Processing registry."""
    from qgis.core import QgsApplication

    from s2cloudfree.processing_provider.provider import S2CloudFreeProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("s2cloudfree")
    if provider is None:
        provider = S2CloudFreeProvider()
        assert registry.addProvider(provider)
    return provider


BELGIUM_DATES = ("2017-08-04", "2017-08-14", "2017-08-24", "2017-08-27", "2017-09-03", "2017-09-06",
                 "2017-09-13", "2017-09-16", "2017-09-23", "2017-09-26", "2017-10-03", "2017-10-06")


@pytest.fixture(scope="session")
def belgium(shared_data):
    """Twelve consecutive dates of the real Belgium series: (s2 paths, mask paths, s1 folder)."""
    folder = shared_data / "belgium_31UDS_s1s2"
    s2 = [str(folder / f"s2_{d}.tif") for d in BELGIUM_DATES]
    masks = [str(folder / f"clm_{d}.tif") for d in BELGIUM_DATES]
    return s2, masks
