#!/usr/bin/env python3
"""The release build's metadata and the publishing gate of the QGIS plugin repository.

    check_release.py write-metadata METADATA_TXT [RELEASE_CFG]
        Writes repository, tracker, homepage and email from the release configuration
        (release.cfg, or S2CF_RELEASE_CONFIG) into METADATA_TXT (the staged copy of the release
        build). Prints "NOT PUBLISHABLE: ..." when some are unset; the zip still installs locally.

    check_release.py gate ZIP [CHANGELOG_MD]
        The checks the plugin repository makes on an upload, and ours: required metadata, no
        placeholder URL or address, https URLs, LICENSE inside, no __pycache__/.pyc/.git, a version
        not already released in CHANGELOG.md, the size limit, a PEP 8 top folder. Prints every
        problem and exits 1 when there is one.

Python standard library only (it runs from the build script and the tests).
"""

import configparser
import os
import re
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RELEASE_KEYS = ("repository", "tracker", "homepage", "email")
REQUIRED = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "repository",
            "tracker", "homepage")
PLACEHOLDER = re.compile(r"example\.(org|com|net)|localhost|127\.0\.0\.1|changeme|your[-_ ]?name|TODO", re.I)
UNSET = "unpublished (release.cfg sets none)"
MAX_BYTES = 25 * 1024 * 1024  # the plugin repository's upload limit
PEP8_PACKAGE = re.compile(r"^[a-z][a-z0-9_]*$")


def release_config(path=None):
    """The [release] values of the configuration file (empty strings for unset keys)."""
    path = Path(path or os.environ.get("S2CF_RELEASE_CONFIG") or REPO / "release.cfg")
    parser = configparser.ConfigParser()
    if path.exists():
        parser.read(path, encoding="utf-8")
    section = parser["release"] if parser.has_section("release") else {}
    return {key: (section.get(key) or "").strip() for key in RELEASE_KEYS}, path


def write_metadata(metadata_path, config_path=None):
    values, source = release_config(config_path)
    lines = Path(metadata_path).read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if line.split("=", 1)[0].strip() not in RELEASE_KEYS]
    # qgis-plugin-ci cannot package without a repository and a tracker: unset, they say so in words
    # (a local installation shows them; the gate refuses them)
    lines += [f"{key}={value or UNSET}" if key in ("repository", "tracker") else f"{key}={value}"
              for key, value in values.items() if value or key in ("repository", "tracker")]
    Path(metadata_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    unset = [key for key, value in values.items() if not value]
    if unset:
        print(f"NOT PUBLISHABLE: {source} sets no {', '.join(unset)}; this zip is for local installation only "
              "(Plugins > Install from ZIP). Set them to publish (make publish-check verifies).")
    return unset


def _metadata(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return dict(parser["general"]) if parser.has_section("general") else {}


def released_versions(changelog_text):
    return set(re.findall(r"^##\s*\[?v?(\d+\.\d+\.\d+)\]?\s*-\s*\d{4}-\d{2}-\d{2}", changelog_text, re.M))


def gate(zip_path, changelog=None):
    """The problems that block publishing ``zip_path`` (an empty list: publishable)."""
    problems = []
    zip_path = Path(zip_path)
    if zip_path.stat().st_size > MAX_BYTES:
        problems.append(f"the zip is {zip_path.stat().st_size / 2 ** 20:.1f} MB, above the 25 MB limit")
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1:
            problems.append(f"the zip must hold one top folder, it holds {sorted(tops)}")
        top = sorted(tops)[0] if tops else ""
        if not PEP8_PACKAGE.match(top):
            problems.append(f"the top folder {top!r} is not a PEP 8 package name (lower case, digits, _)")
        if not zip_path.name.startswith(top + "."):
            problems.append(f"the file name {zip_path.name} does not start with the plugin id {top}. "
                            "(QGIS takes the id from the name up to the first dot)")
        for bad in ("__pycache__/", ".pyc", ".git/", ".pyo"):
            hits = [n for n in names if bad in n]
            if hits:
                problems.append(f"the zip holds {bad} entries, e.g. {hits[0]}")
        if f"{top}/LICENSE" not in names:
            problems.append("no LICENSE file in the plugin folder")
        if f"{top}/metadata.txt" not in names:
            return problems + ["no metadata.txt in the plugin folder"]
        meta = _metadata(archive.read(f"{top}/metadata.txt").decode("utf-8"))
    for key in REQUIRED:
        if not meta.get(key, "").strip():
            problems.append(f"metadata.txt has no {key}")
    for key in ("repository", "tracker", "homepage", "email"):
        value = meta.get(key, "")
        if value and PLACEHOLDER.search(value):
            problems.append(f"metadata.txt {key} is a placeholder: {value}")
        if key != "email" and value and not value.startswith("https://"):
            problems.append(f"metadata.txt {key} is not an https URL: {value}")
    email = meta.get("email", "")
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        problems.append(f"metadata.txt email is not an address: {email}")
    version = meta.get("version", "")
    text = Path(changelog or REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    if version in released_versions(text):
        problems.append(f"version {version} is already released in CHANGELOG.md: bump it")
    return problems


def main(argv):
    if len(argv) >= 2 and argv[0] == "write-metadata":
        write_metadata(argv[1], argv[2] if len(argv) > 2 else None)
        return 0
    if len(argv) >= 2 and argv[0] == "gate":
        problems = gate(argv[1], argv[2] if len(argv) > 2 else None)
        for problem in problems:
            print(f"NOT PUBLISHABLE: {problem}")
        if not problems:
            print(f"{argv[1]}: publishable (the repository will still fetch every URL)")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
