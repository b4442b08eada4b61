"""S2 CloudFree QGIS plugin entry point (imports nothing heavy)."""


def classFactory(iface):  # noqa: N802 (name required by QGIS)
    # packages installed by the dock's "Install missing packages" (a folder of this QGIS profile),
    # on sys.path before anything imports torch; appended, so QGIS's own packages keep winning
    from .ui.package_install_task import activate_plugin_packages

    activate_plugin_packages()
    from .ui.translation import install_translator

    install_translator()  # the toolbox texts in QGIS's language (i18n/), when translated
    from .plugin import S2CloudFreePlugin

    return S2CloudFreePlugin(iface)
