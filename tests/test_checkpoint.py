"""Checkpoints (weights_only loading, clear errors) and the model registry (verified downloads)."""

import functools
import hashlib
import http.server
import json
import threading

import pytest

torch = pytest.importorskip("torch")

from s2cloudfree.core.bands import TEN_BANDS  # noqa: E402
from s2cloudfree.core.errors import InputError  # noqa: E402
from s2cloudfree.models import registry  # noqa: E402
from s2cloudfree.models.checkpoint import (  # noqa: E402
    CHECKPOINT_FORMAT,
    CheckpointError,
    check_compatible,
    load_model,
    read_checkpoint,
    save_checkpoint,
)
from s2cloudfree.models.crtsnet import build_model, model_config  # noqa: E402


def tiny_config(**kw):
    return model_config("crtsnet-lite", bands=kw.pop("bands", TEN_BANDS), features=8, blocks_2d=1,
                        blocks_3d=1, **kw)


@pytest.fixture()
def checkpoint(tmp_path):
    torch.manual_seed(0)
    config = tiny_config()
    model = build_model(config)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model, config, training={"data": "unit test", "steps_done": 0})
    return path, model, config


def test_round_trip_keeps_weights_config_and_version(checkpoint):
    path, model, config = checkpoint
    loaded, got_config, payload = load_model(path)
    assert got_config == config
    assert payload["format"] == CHECKPOINT_FORMAT and payload["version"] == 1
    assert payload["training"]["data"] == "unit test"
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.state_dict()[name])
    assert not loaded.training  # eval mode
    # the file is a plain dictionary that torch's safe loader accepts
    raw = torch.load(path, weights_only=True)
    assert set(raw) >= {"format", "version", "config", "state_dict", "training"}
    assert json.loads(json.dumps(raw["config"])) == config


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        read_checkpoint(tmp_path / "nothing.pt")


@pytest.mark.parametrize("content", [b"hello, I am not a model\n", b""])
def test_not_a_checkpoint(tmp_path, content):
    path = tmp_path / "text.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="not a checkpoint torch can read"):
        read_checkpoint(path)


def test_a_geotiff_is_not_a_checkpoint(shared_data):
    with pytest.raises(CheckpointError, match="not a checkpoint torch can read"):
        read_checkpoint(shared_data / "belgium_31UDS_s1s2" / "s2_2017-08-04.tif")


class Payload:  # a pickled object: loading it would run code
    def __reduce__(self):
        return (print, ("this must never run",))


def test_file_needing_code_execution_is_refused(tmp_path, capsys):
    path = tmp_path / "pickled.pt"
    torch.save({"format": CHECKPOINT_FORMAT, "version": 1, "config": {}, "state_dict": {},
                "extra": Payload()}, path)
    with pytest.raises(CheckpointError, match="need code execution"):
        read_checkpoint(path)
    assert "must never run" not in capsys.readouterr().out
    # a whole pickled module too (how many published models are saved)
    model_path = tmp_path / "whole_model.pt"
    torch.save(torch.nn.Sequential(torch.nn.Conv2d(12, 10, 3)), model_path)
    with pytest.raises(CheckpointError, match="refused for safety"):
        load_model(model_path)


def test_bare_state_dict_and_other_torch_files(tmp_path):
    path = tmp_path / "bare.pt"
    torch.save(build_model(tiny_config()).state_dict(), path)
    with pytest.raises(CheckpointError, match="bare state_dict"):
        read_checkpoint(path)
    path = tmp_path / "future.pt"
    torch.save({"format": CHECKPOINT_FORMAT, "version": 99, "config": {}, "state_dict": {}}, path)
    with pytest.raises(CheckpointError, match="version 99"):
        read_checkpoint(path)


def test_weights_that_do_not_match_the_config(tmp_path, checkpoint):
    path, model, config = checkpoint
    payload = torch.load(path, weights_only=True)
    payload["config"] = dict(config, features=16)
    bad = tmp_path / "bad.pt"
    torch.save(payload, bad)
    with pytest.raises(CheckpointError, match="do not match its configuration"):
        load_model(bad)


def test_compatibility_with_the_inputs():
    config = tiny_config(n_inputs=3, use_s1=True)
    assert check_compatible(config, TEN_BANDS, 3, True) == []
    assert check_compatible(config, list(TEN_BANDS) + ["B01"], 5, True) == []
    with pytest.raises(CheckpointError, match="lack B11 B12"):
        check_compatible(config, TEN_BANDS[:-2], 3, True)
    with pytest.raises(CheckpointError, match="needs 3 input dates"):
        check_compatible(config, TEN_BANDS, 2, True)
    with pytest.raises(CheckpointError, match="Sentinel-1"):
        check_compatible(config, TEN_BANDS, 3, False)
    no_s1 = tiny_config(use_s1=False)
    assert "ignored" in check_compatible(no_s1, TEN_BANDS, 3, True)[0]


def test_save_is_atomic_and_needs_json_metadata(tmp_path, checkpoint):
    _path, model, config = checkpoint
    target = tmp_path / "out.pt"
    with pytest.raises(CheckpointError, match="JSON"):
        save_checkpoint(target, model, config, training={"when": object()})
    assert not target.exists() and not list(tmp_path.glob(".out.pt.*"))


# ----------------------------------------------------------------------------- registry
@pytest.fixture()
def registry_env(tmp_path, monkeypatch):
    monkeypatch.setenv("S2CLOUDFREE_MODEL_REGISTRY", str(tmp_path / "registry.json"))
    monkeypatch.setenv("S2CLOUDFREE_MODEL_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture()
def local_server(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_registry_names_paths_and_errors(registry_env, checkpoint):
    path, _model, _config = checkpoint
    reg = registry_env / "registry.json"
    registry.register_model("belgium-lite", str(reg), path=str(path), description="test")
    assert registry.resolve_model("belgium-lite") == str(path)
    assert registry.resolve_model(str(path)) == str(path)  # a file is used as is
    with pytest.raises(InputError, match="belgium-lite"):  # the error lists the known names
        registry.resolve_model("unknown-model")
    reg.write_text(json.dumps({"models": {"bad": {"url": "http://127.0.0.1/x.pt"}}}))
    with pytest.raises(registry.RegistryError, match="sha256"):
        registry.resolve_model("bad")
    # downloads: https, file, or plain http to this machine only
    with pytest.raises(registry.RegistryError, match="plain http to another machine: use https"):
        registry.register_model("remote", str(reg), url="http://models.example.net/x.pt", sha256="0" * 64)
    with pytest.raises(registry.RegistryError, match="is not https, file or http to this machine"):
        registry.register_model("ftp", str(reg), url="ftp://models.example.net/x.pt", sha256="0" * 64)
    with pytest.raises(registry.RegistryError, match="The download URL"):
        registry.download("gopher://x/y", "0" * 64, str(registry_env / "y.pt"))


def test_download_is_verified_before_use(registry_env, checkpoint, local_server):
    path, model, _config = checkpoint
    folder, base = local_server
    data = path.read_bytes()
    (folder / "model.pt").write_bytes(data)
    good = hashlib.sha256(data).hexdigest()
    reg = registry_env / "registry.json"
    registry.register_model("served", str(reg), url=f"{base}/model.pt", sha256=good)
    registry.register_model("tampered", str(reg), url=f"{base}/model.pt", sha256="0" * 64)

    local = registry.resolve_model("served")
    assert local.startswith(str(registry_env / "cache"))
    loaded, _config, _ = load_model(local)
    assert torch.equal(loaded.head.weight, model.head.weight)
    # cached: no second download needed, and the cache is verified again
    (folder / "model.pt").unlink()
    assert registry.resolve_model("served") == local

    (folder / "model.pt").write_bytes(data)
    with pytest.raises(registry.RegistryError, match="discarded"):
        registry.resolve_model("tampered")
    cache_files = sorted(p.name for p in (registry_env / "cache").iterdir())
    assert cache_files == [local.rsplit("/", 1)[1]]  # nothing partial or unverified left

    # a cached file that was altered is downloaded again
    with open(local, "ab") as handle:
        handle.write(b"x")
    assert registry.resolve_model("served") == local
    assert registry.sha256_of(local) == good
