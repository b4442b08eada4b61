"""User-interface parts of the plugin (menu entries; the dock comes later)."""
