"""Tests for model_utils.state_dicts: unwrapping wrappers and removing their key prefixes."""

import pytest
from torch import nn

from model_utils import CheckpointError
from model_utils.state_dicts import match_state_dict, unwrap_model


class CompiledStandIn(nn.Module):
    """Hold a model as `_orig_mod`, the attribute torch.compile uses, without compiling."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self._orig_mod = model


def prefixed(state_dict: dict, prefix: str) -> dict:
    return {f"{prefix}{key}": value for key, value in state_dict.items()}


def test_unwrap_plain_model(model):
    assert unwrap_model(model) is model


def test_unwrap_data_parallel(model):
    assert unwrap_model(nn.DataParallel(model)) is model


def test_unwrap_compiled(model):
    assert unwrap_model(CompiledStandIn(model)) is model


def test_unwrap_nested(model):
    assert unwrap_model(nn.DataParallel(CompiledStandIn(model))) is model


def test_unwrap_keeps_model_with_module_attribute():
    """A model with a `module` child next to other children is no wrapper."""
    container = nn.Module()
    container.module = nn.Linear(2, 2)
    container.head = nn.Linear(2, 1)
    assert unwrap_model(container) is container


@pytest.mark.parametrize(
    "prefix", ["module.", "_orig_mod.", "module._orig_mod.", "_orig_mod.module."]
)
def test_match_removes_prefix(model, prefix):
    expected = model.state_dict()
    matched = match_state_dict(prefixed(expected, prefix), expected, source="test.pth")
    assert list(matched) == list(expected)


def test_match_keeps_tensors(model):
    expected = model.state_dict()
    matched = match_state_dict(prefixed(expected, "module."), expected, source="test.pth")
    assert matched["classifier.3.weight"] is expected["classifier.3.weight"]


def test_match_prefix_notice(model, capsys):
    expected = model.state_dict()
    match_state_dict(prefixed(expected, "module."), expected, source="test.pth")
    assert "'module.'" in capsys.readouterr().out


def test_match_plain_no_notice(model, capsys):
    expected = model.state_dict()
    match_state_dict(expected, expected, source="test.pth")
    assert capsys.readouterr().out == ""


def test_match_plain_unchanged(model):
    expected = model.state_dict()
    assert match_state_dict(expected, expected, source="test.pth") == expected


def test_match_returns_copy(model):
    expected = model.state_dict()
    assert match_state_dict(expected, expected, source="test.pth") is not expected


def partly_prefixed(model) -> dict:
    state_dict = model.state_dict()
    return {
        (f"module.{key}" if key.startswith("features.") else key): value
        for key, value in state_dict.items()
    }


def test_match_partial_prefix_raises(model):
    with pytest.raises(CheckpointError):
        match_state_dict(partly_prefixed(model), model.state_dict(), source="test.pth")


def test_match_partial_prefix_names_source(model):
    with pytest.raises(CheckpointError, match="test.pth"):
        match_state_dict(partly_prefixed(model), model.state_dict(), source="test.pth")


def test_match_partial_prefix_example_with(model):
    with pytest.raises(CheckpointError, match="'module.features"):
        match_state_dict(partly_prefixed(model), model.state_dict(), source="test.pth")


def test_match_partial_prefix_example_without(model):
    with pytest.raises(CheckpointError, match="'classifier."):
        match_state_dict(partly_prefixed(model), model.state_dict(), source="test.pth")


def test_match_foreign_keys_untouched(model):
    """Keys of another network stay as they are so that the caller can list them."""
    foreign = {"conv1.weight": model.features[0][0].weight, "fc.bias": model.classifier[3].bias}
    matched = match_state_dict(foreign, model.state_dict(), source="test.pth")
    assert list(matched) == ["conv1.weight", "fc.bias"]


def test_match_empty_state_dict(model):
    assert match_state_dict({}, model.state_dict(), source="test.pth") == {}
