"""User-interface parts of the plugin: the dock (ui.dock) and the Raster menu entries (ui.menu)."""
