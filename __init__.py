"""S2 CloudFree QGIS plugin entry point (imports nothing heavy)."""


def classFactory(iface):  # noqa: N802 (name required by QGIS)
    from .plugin import S2CloudFreePlugin

    return S2CloudFreePlugin(iface)
