"""Moving a finished file or folder into place, replacing what is there (outputs staged beside their
destination, so the move is a rename on the same file system)."""

import os
import shutil


def move_replacing(source, destination):
    """Move ``source`` to ``destination``; an existing file, link or folder there is removed first."""
    if os.path.isdir(destination) and not os.path.islink(destination):
        shutil.rmtree(destination)
    elif os.path.lexists(destination):
        os.remove(destination)
    os.replace(source, destination)
