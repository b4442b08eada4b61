"""Makes this checkout importable as the package ``s2cloudfree``.

The repository root is the plugin folder, and a clone may be named anything: a symlink
``.dev/plugins/s2cloudfree -> ../..`` gives it the stable import name (``scripts/qgis-process``
uses the same link), and ``.dev/plugins`` goes on ``sys.path``. Used by the tests, the
benchmarks and the scripts.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / ".dev" / "plugins"


def make_plugin_importable():
    """Create the link when missing and put its folder first on ``sys.path``; return the folder."""
    link = PLUGINS / "s2cloudfree"
    PLUGINS.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        try:
            link.symlink_to(os.path.join("..", ".."), target_is_directory=True)
        except FileExistsError:  # made by a concurrent run
            pass
    if str(PLUGINS) not in sys.path:
        sys.path.insert(0, str(PLUGINS))
    return PLUGINS
