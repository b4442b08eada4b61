"""Release packaging, end to end.

* ``make package`` (qgis-plugin-ci 2.10.0 from ``.venv-release``) builds the
  release zip; it must hold the plugin under ``s2cloudfree/`` and nothing of the
  development tree (tests, benchmarks, scripts, ...).
* The unzipped release loads in QGIS's processing CLI (``scripts/qgis-process``
  with ``S2CF_PLUGIN_DIR``) and lists the provider's algorithms.
* ``pb_tool deploy -p DIR`` installs the plugin into a plugins folder.

The release tools live in their own plain venv (``make release-venv``). Creating
it needs the package index the first time; these tests skip only when that fails
because the index cannot be reached, and fail on any other error.
"""

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[1]
RELEASE_VENV = REPO / ".venv-release"
QGIS_PROCESS = REPO / "scripts" / "qgis-process"
PLUGIN = "s2cloudfree"
LISTED_ALGORITHMS = ("s2cloudfree:leastcloudy", "s2cloudfree:mosaic", "s2cloudfree:gapfill")

# What pip prints when it cannot reach the index at all (as opposed to a wrong
# pin or a build failure, which must fail the test).
_NETWORK_ERROR = re.compile(
    r"NewConnectionError|Failed to establish a new connection|"
    r"Temporary failure in name resolution|Name or service not known|"
    r"No address associated with hostname|Network is unreachable|No route to host|"
    r"ConnectTimeoutError|Connection to \S+ timed out|ProxyError|"
    r"connection broken by|Max retries exceeded",
    re.IGNORECASE,
)


def _run(cmd, timeout, env=None, cwd=REPO):
    """Run cmd (stdout and stderr together), with env added to os.environ."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=str(cwd),
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def _tail(text, lines=60):
    return "\n".join(text.splitlines()[-lines:])


def _metadata_version(text):
    match = re.search(r"^version\s*=\s*(\S+)\s*$", text, re.MULTILINE)
    assert match, "metadata.txt has no version="
    return match.group(1)


@pytest.fixture(scope="session")
def release_venv():
    """``.venv-release`` with qgis-plugin-ci and pb_tool (made by ``make release-venv``)."""
    make = shutil.which("make")
    assert make, "make is not installed"
    proc = _run([make, "release-venv"], timeout=1500)
    if proc.returncode != 0:
        if _NETWORK_ERROR.search(proc.stdout):
            pytest.skip(
                "cannot create .venv-release: the Python package index is unreachable "
                "(pip could not connect); packaging tests need it once to install "
                "qgis-plugin-ci and pb_tool.\n" + _tail(proc.stdout, 15)
            )
        pytest.fail("make release-venv failed:\n" + _tail(proc.stdout))
    for tool in ("qgis-plugin-ci", "pb_tool"):
        assert (RELEASE_VENV / "bin" / tool).exists(), f"{tool} missing from {RELEASE_VENV}"
    return RELEASE_VENV


@pytest.fixture(scope="session")
def release_zip(release_venv, tmp_path_factory):
    """Path of the zip built by ``make package`` (into a temporary dist dir)."""
    work = tmp_path_factory.mktemp("release")
    dist = work / "dist"
    proc = _run(
        [shutil.which("make"), "package"],
        timeout=600,
        env={"S2CF_DIST_DIR": str(dist), "S2CF_BUILD_DIR": str(work / "build")},
    )
    assert proc.returncode == 0, "make package failed:\n" + _tail(proc.stdout)
    version = _metadata_version((REPO / "metadata.txt").read_text(encoding="utf-8"))
    # QGIS takes the plugin id from the file name up to the first dot
    zip_path = dist / f"{PLUGIN}.{version}.zip"
    assert zip_path.is_file(), f"{zip_path.name} not built; dist has {sorted(os.listdir(dist))}"
    return zip_path


def _qgis_process(args, plugin_dir, config_dir):
    return _run(
        [QGIS_PROCESS, *args],
        timeout=300,
        env={"S2CF_PLUGIN_DIR": str(plugin_dir), "S2CF_QGIS_CONFIG": str(config_dir)},
    )


def _assert_lists_algorithms(plugin_dir, config_dir):
    proc = _qgis_process(["list"], plugin_dir, config_dir)
    assert proc.returncode == 0, "qgis-process list failed:\n" + _tail(proc.stdout)
    listed = set(re.findall(r"^\s*(s2cloudfree:\S+)", proc.stdout, re.MULTILINE))
    missing = [a for a in LISTED_ALGORITHMS if a not in listed]
    assert not missing, f"{missing} not listed by qgis_process:\n" + _tail(proc.stdout, 40)
    # The plugin was imported from plugin_dir (not from the checkout): Python
    # wrote its bytecode there.
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        assert list(plugin_dir.rglob("__pycache__")), f"nothing was imported from {plugin_dir}"


def test_release_zip_holds_the_plugin_and_nothing_else(release_zip):
    with zipfile.ZipFile(release_zip) as zf:
        names = zf.namelist()
        metadata = zf.read(f"{PLUGIN}/metadata.txt").decode("utf-8")

    assert all(n.startswith(f"{PLUGIN}/") for n in names), [n for n in names if not n.startswith(f"{PLUGIN}/")]
    for required in ("metadata.txt", "__init__.py", "plugin.py", "LICENSE"):
        assert f"{PLUGIN}/{required}" in names, f"{required} missing from the zip"
    for package in ("core", "processing_provider"):
        assert f"{PLUGIN}/{package}/__init__.py" in names, f"{package}/ missing from the zip"
    assert f"{PLUGIN}/i18n/s2cloudfree_de.qm" in names, "the German translation is missing from the zip"
    assert f"{PLUGIN}/batch/__main__.py" in names, "the batch runner is missing from the zip"

    dev_only = ("tests/", "benchmarks/", "scripts/", "docs/", ".ci/", ".dev/", ".venv", "build/", "dist/")
    dev_files = ("Makefile", "pytest.ini", "pb_tool.cfg", "requirements.txt", "requirements-dev.txt",
                 "requirements-release.txt", ".gitignore", ".qgis-plugin-ci")
    for name in names:
        rel = name[len(PLUGIN) + 1:]
        assert not rel.startswith(dev_only), f"development file in the zip: {name}"
        assert rel not in dev_files, f"development file in the zip: {name}"
        assert "__pycache__" not in name and not name.endswith(".pyc"), f"bytecode in the zip: {name}"

    repo_metadata = (REPO / "metadata.txt").read_text(encoding="utf-8")
    assert _metadata_version(metadata) == _metadata_version(repo_metadata)
    assert re.search(r"^hasProcessingProvider\s*=\s*yes\s*$", metadata, re.MULTILINE), (
        "qgis_process loads only plugins with hasProcessingProvider=yes"
    )


def _check_release():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_release", REPO / "scripts" / "check_release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_a_release_configuration_the_zip_is_not_publishable(release_zip, tmp_path):
    """The committed release.cfg sets no forge URL or contact: the zip installs, says so in its
    metadata (no placeholder anywhere), and the publishing gate refuses it."""
    gate = _check_release()
    with zipfile.ZipFile(release_zip) as zf:
        metadata = zf.read(f"{PLUGIN}/metadata.txt").decode("utf-8")
    assert "example.org" not in metadata and "example.org" not in (REPO / "metadata.txt").read_text()
    assert re.search(r"^repository=unpublished", metadata, re.M) and not re.search(r"^email=", metadata, re.M)
    problems = gate.gate(release_zip)
    assert "metadata.txt has no email" in problems and "metadata.txt has no homepage" in problems
    assert any(p.startswith("metadata.txt repository is not an https URL") for p in problems)
    proc = _run(["/usr/bin/python3", REPO / "scripts" / "check_release.py", "gate", release_zip], timeout=60)
    assert proc.returncode == 1 and "NOT PUBLISHABLE: metadata.txt has no email" in proc.stdout
    # the gate's other checks, on copies of the zip
    changelog = tmp_path / "CHANGELOG.md"
    version = _metadata_version(metadata)
    changelog.write_text(f"# Changelog\n\n## [{version}] - 2026-12-01\n\n- released\n", encoding="utf-8")
    assert f"version {version} is already released in CHANGELOG.md: bump it" in gate.gate(release_zip, changelog)
    bad = tmp_path / f"{PLUGIN}.{version}.zip"
    with zipfile.ZipFile(release_zip) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            if item.filename != f"{PLUGIN}/LICENSE":
                target.writestr(item, source.read(item))
        target.writestr(f"{PLUGIN}/core/__pycache__/x.cpython-311.pyc", b"")
    problems = gate.gate(bad)
    assert "no LICENSE file in the plugin folder" in problems
    assert any(p.startswith("the zip holds __pycache__/ entries") for p in problems)
    renamed = tmp_path / f"{PLUGIN}-{version}.zip"
    renamed.write_bytes(release_zip.read_bytes())
    assert any("does not start with the plugin id" in p for p in gate.gate(renamed))


def test_with_a_release_configuration_the_zip_is_publishable(release_venv, tmp_path):
    config = tmp_path / "release.cfg"
    config.write_text("[release]\nrepository = https://forge.s2cloudfree.eu/s2cloudfree\n"
                      "tracker = https://forge.s2cloudfree.eu/s2cloudfree/issues\n"
                      "homepage = https://s2cloudfree.eu\nemail = maintainers@s2cloudfree.eu\n", encoding="utf-8")
    dist = tmp_path / "dist"
    proc = _run([shutil.which("make"), "publish-check"], timeout=600,
                env={"S2CF_DIST_DIR": str(dist), "S2CF_BUILD_DIR": str(tmp_path / "build"),
                     "S2CF_RELEASE_CONFIG": str(config)})
    assert proc.returncode == 0, _tail(proc.stdout)
    assert "publishable" in proc.stdout and "NOT PUBLISHABLE" not in proc.stdout
    version = _metadata_version((REPO / "metadata.txt").read_text(encoding="utf-8"))
    with zipfile.ZipFile(dist / f"{PLUGIN}.{version}.zip") as zf:
        metadata = zf.read(f"{PLUGIN}/metadata.txt").decode("utf-8")
    assert "tracker=https://forge.s2cloudfree.eu/s2cloudfree/issues" in metadata
    assert "email=maintainers@s2cloudfree.eu" in metadata


@pytest.mark.qgis_process
def test_unzipped_release_lists_its_algorithms_in_qgis_process(release_zip, tmp_path):
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(release_zip) as zf:
        zf.extractall(plugins)
    _assert_lists_algorithms(plugins / PLUGIN, tmp_path / "qgis-config")


def test_pb_tool_deploy_installs_the_plugin(release_venv, tmp_path):
    plugins = tmp_path / "plugins"
    pb_tool = release_venv / "bin" / "pb_tool"
    for _ in range(2):  # a second deploy replaces the first without asking
        proc = _run([pb_tool, "deploy", "-y", "-n", "-p", plugins], timeout=300)
        assert proc.returncode == 0, "pb_tool deploy failed:\n" + _tail(proc.stdout)

    deployed = plugins / PLUGIN
    for required in ("metadata.txt", "__init__.py", "plugin.py", "LICENSE",
                     "core/__init__.py", "processing_provider/__init__.py", "i18n/s2cloudfree_de.qm"):
        assert (deployed / required).is_file(), f"{required} not deployed"
    for dev_only in ("tests", "benchmarks", "scripts", "Makefile", "pb_tool.cfg"):
        assert not (deployed / dev_only).exists(), f"{dev_only} deployed"


@pytest.mark.qgis_process
def test_pb_tool_deployment_lists_its_algorithms_in_qgis_process(release_venv, tmp_path):
    plugins = tmp_path / "plugins"
    proc = _run([release_venv / "bin" / "pb_tool", "deploy", "-y", "-n", "-p", plugins], timeout=300)
    assert proc.returncode == 0, "pb_tool deploy failed:\n" + _tail(proc.stdout)
    # pb_tool copies extra_dirs whole, __pycache__ included: start clean to see
    # that the import really happened from the deployed copy.
    for cache in list((plugins / PLUGIN).rglob("__pycache__")):
        shutil.rmtree(cache)
    _assert_lists_algorithms(plugins / PLUGIN, tmp_path / "qgis-config")
