"""CR-TS Net: the paper's architecture, its size, named configurations and band sets."""

import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from s2cloudfree.core.bands import L1C_BANDS, TEN_BANDS  # noqa: E402
from s2cloudfree.core.errors import InputError  # noqa: E402
from s2cloudfree.models.crtsnet import (  # noqa: E402
    ARCHITECTURES,
    build_model,
    count_parameters,
    expected_parameters,
    model_config,
    receptive_radius,
)

PAPER_PARAMETERS = 38.5e6


def test_paper_configuration_has_about_38_5_million_parameters():
    config = model_config("crtsnet")
    assert config["features"] == 256 and config["blocks_2d"] == 16 and config["blocks_3d"] == 5
    assert config["n_inputs"] == 3 and config["in_channels"] == 15 and config["out_channels"] == 13
    assert config["bands"] == list(L1C_BANDS) and config["use_s1"]
    model = build_model(config)
    n = count_parameters(model)
    assert n == expected_parameters(config) == 38_474_253
    assert abs(n - PAPER_PARAMETERS) / PAPER_PARAMETERS < 0.01


def test_layers_follow_the_paper():
    model = build_model(model_config("crtsnet"))
    assert tuple(model.head.weight.shape) == (256, 15, 3, 3)
    assert len(model.blocks_2d) == 16 and len(model.blocks_3d) == 5
    block = model.blocks_2d[0]
    assert tuple(block.conv1.weight.shape) == (256, 256, 3, 3) and block.scale == 0.1
    assert tuple(model.fuse.weight.shape) == (256, 256, 3, 3, 3)
    assert tuple(model.blocks_3d[0].conv1.weight.shape) == (256, 256, 3, 3, 3)
    # the last convolution spans all T = 3 dates
    assert tuple(model.out.weight.shape) == (13, 256, 3, 3, 3)
    assert not any(isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d, torch.nn.InstanceNorm2d))
                   for m in model.modules())


def test_lite_configuration_is_much_smaller():
    lite = build_model(model_config("crtsnet-lite"))
    assert ARCHITECTURES["crtsnet-lite"] == {"features": 64, "blocks_2d": 4, "blocks_3d": 2}
    assert count_parameters(lite) < 0.03 * PAPER_PARAMETERS


def tiny(**kw):
    base = dict(features=8, blocks_2d=1, blocks_3d=1)
    base.update(kw.pop("network", {}))
    return model_config("crtsnet-lite", **kw, **base)


def test_output_shape_range_and_other_band_sets():
    torch.manual_seed(0)
    # the Belgium sample's 10 bands with S1: 12 channels in, 10 out
    config = tiny(bands=TEN_BANDS, n_inputs=3, use_s1=True)
    assert config["in_channels"] == 12 and config["out_channels"] == 10
    with torch.no_grad():
        y = build_model(config)(torch.rand(2, 3, 12, 20, 24) * 5)
    assert tuple(y.shape) == (2, 10, 20, 24)
    assert float(y.min()) >= 0.0 and float(y.max()) <= 5.0
    # no S1 and another n
    config = tiny(bands=("B02", "B03", "B04", "B08"), n_inputs=5, use_s1=False)
    assert config["in_channels"] == 4
    model = build_model(config)
    assert tuple(model(torch.rand(1, 5, 4, 16, 16)).shape) == (1, 4, 16, 16)
    with pytest.raises(ValueError, match="expected"):
        model(torch.rand(1, 3, 4, 16, 16))


def test_date_order_matters_and_branches_share_weights():
    torch.manual_seed(1)
    model = build_model(tiny(bands=TEN_BANDS, n_inputs=3, use_s1=False)).eval()
    x = torch.rand(1, 3, 10, 16, 16) * 3
    with torch.no_grad():
        a = model(x)
        b = model(x[:, [2, 1, 0]])
    assert not torch.allclose(a, b)  # the head convolution sees time order
    assert sum(1 for n, _ in model.named_parameters() if n.startswith("head.")) == 2  # one branch


def test_config_is_json_and_validated():
    import json

    config = model_config("crtsnet", bands=TEN_BANDS, n_inputs=4, use_s1=False)
    assert json.loads(json.dumps(config)) == config
    assert config["normalisation"]["s2_divisor"] == 2000.0
    assert config["normalisation"]["s1_clip_db"] == [[-25.0, 0.0], [-32.5, 0.0]]
    with pytest.raises(InputError, match="Unknown architecture"):
        model_config("unet")
    with pytest.raises(InputError, match="duplicates"):
        model_config("crtsnet", bands=("B02", "B02"))
    assert receptive_radius(model_config("crtsnet")) == 1 + 32 + 1 + 10 + 1


def test_importing_the_model_module_does_not_import_torch():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import s2cloudfree.models.crtsnet, "
            "s2cloudfree.models.checkpoint, s2cloudfree.models.registry, s2cloudfree.core.seq2point, "
            "s2cloudfree.core.train, s2cloudfree.core.sen12mscrts; assert 'torch' not in sys.modules")
    from conftest import REPO

    proc = subprocess.run([sys.executable, "-c", code, str(REPO / ".dev" / "plugins")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    model = build_model(tiny(bands=TEN_BANDS, n_inputs=3, use_s1=True))
    y = model(torch.rand(1, 3, 12, 12, 12)).mean()
    y.backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not torch.isfinite(p.grad).all()]
    assert not missing
    assert np.isfinite(float(y.detach()))
