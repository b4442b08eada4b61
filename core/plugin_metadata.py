"""Values of the plugin's metadata.txt (version, home page), read without QGIS and without numpy."""

import os

METADATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "metadata.txt")


def metadata_value(key, default=""):
    """The value of ``key`` in metadata.txt's [general] section, or ``default``."""
    try:
        with open(METADATA, encoding="utf-8") as handle:
            for line in handle:
                name, sep, value = line.partition("=")
                if sep and name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return default


def plugin_version():
    return metadata_value("version")
