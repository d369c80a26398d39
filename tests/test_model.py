"""Tests for create_model: the head, num_classes validation and the three pretrained modes."""

import inspect
import urllib.error
import urllib.request
import warnings

import numpy as np
import pytest
from torch import nn

from model_utils import DEFAULT_WEIGHTS, WeightsUnavailableError, create_model, weights_file
from model_utils.weights import DOWNLOAD_COMMAND, OFFLINE_ENV


def notice_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Let op:")]


def test_create_model_positional_num_classes():
    model = create_model(5)
    assert isinstance(model, nn.Module)


def test_create_model_signature():
    parameters = list(inspect.signature(create_model).parameters.values())
    assert parameters[0].name == "num_classes"
    assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameters[1].default == "auto"


def test_head_is_linear():
    model = create_model(7, pretrained=False)
    assert type(model.classifier[3]) is nn.Linear


def test_head_in_features():
    model = create_model(7, pretrained=False)
    assert model.classifier[3].in_features == 1024


def test_head_out_features():
    model = create_model(7, pretrained=False)
    assert model.classifier[3].out_features == 7


def test_single_class_allowed():
    model = create_model(1, pretrained=False)
    assert model.classifier[3].out_features == 1


def test_numpy_integer_accepted():
    model = create_model(np.int64(4), pretrained=False)
    assert model.classifier[3].out_features == 4


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0, ValueError),
        (-1, ValueError),
        (2.5, TypeError),
        ("3", TypeError),
        (True, TypeError),
        (None, TypeError),
    ],
)
def test_num_classes_invalid_type(value, error):
    with pytest.raises(error):
        create_model(value, pretrained=False)


@pytest.mark.parametrize("value", [0, -1, 2.5, "3", True, None])
def test_num_classes_invalid_named(value):
    with pytest.raises((TypeError, ValueError)) as caught:
        create_model(value, pretrained=False)
    assert f"maar is {value!r}" in str(caught.value)


@pytest.mark.parametrize("value", [0, -1, 2.5, "3", True, None])
def test_num_classes_invalid_dutch(value):
    with pytest.raises((TypeError, ValueError)) as caught:
        create_model(value, pretrained=False)
    assert "num_classes moet" in str(caught.value)


def test_num_classes_model_repr_short(model):
    """Passing a model as num_classes names its type without printing all layers."""
    with pytest.raises(TypeError) as caught:
        create_model(model, pretrained=False)
    assert len(str(caught.value)) < 400


def test_pretrained_invalid_value():
    with pytest.raises(ValueError, match="pretrained moet"):
        create_model(3, pretrained="yes")


def test_pretrained_false_no_network(monkeypatch, network_calls):
    monkeypatch.delenv(OFFLINE_ENV)
    create_model(3, pretrained=False)
    assert network_calls == []


def test_pretrained_false_no_notice(capsys):
    create_model(3, pretrained=False)
    assert capsys.readouterr().out == ""


def test_auto_offline_one_notice(capsys):
    create_model(3)
    assert len(notice_lines(capsys.readouterr().out)) == 1


def test_auto_offline_stdout_only_notice(capsys):
    create_model(3)
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_auto_offline_notice_explains(capsys):
    create_model(3)
    assert DOWNLOAD_COMMAND in capsys.readouterr().out


def test_auto_offline_stderr_empty(capsys):
    create_model(3)
    assert capsys.readouterr().err == ""


def test_auto_offline_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = create_model(3)
    assert isinstance(model, nn.Module)


def test_auto_offline_notice_once(capsys):
    create_model(3)
    create_model(4)
    assert len(notice_lines(capsys.readouterr().out)) == 1


def test_pretrained_true_offline_raises():
    with pytest.raises(WeightsUnavailableError):
        create_model(3, pretrained=True)


def offline_error_message() -> str:
    with pytest.raises(WeightsUnavailableError) as caught:
        create_model(3, pretrained=True)
    return str(caught.value)


def test_pretrained_true_names_url():
    assert DEFAULT_WEIGHTS.url in offline_error_message()


def test_pretrained_true_names_cache_folder():
    assert str(weights_file().parent) in offline_error_message()


def test_pretrained_true_names_command():
    assert DOWNLOAD_COMMAND in offline_error_message()


def failing_urlopen(calls):
    def urlopen(url, *args, **kwargs):
        calls.append(url)
        raise urllib.error.URLError("no route to host")

    return urlopen


def test_auto_download_failure_falls_back(monkeypatch, capsys):
    calls = []
    monkeypatch.delenv(OFFLINE_ENV)
    monkeypatch.setattr(urllib.request, "urlopen", failing_urlopen(calls))
    create_model(3)
    assert len(notice_lines(capsys.readouterr().out)) == 1


def test_auto_download_failure_tried_once(monkeypatch):
    calls = []
    monkeypatch.delenv(OFFLINE_ENV)
    monkeypatch.setattr(urllib.request, "urlopen", failing_urlopen(calls))
    create_model(3, pretrained="auto")
    assert calls == [DEFAULT_WEIGHTS.url]


def test_auto_download_failure_leaves_cache_empty(monkeypatch):
    monkeypatch.delenv(OFFLINE_ENV)
    monkeypatch.setattr(urllib.request, "urlopen", failing_urlopen([]))
    create_model(3)
    assert list(weights_file().parent.iterdir()) == []


def test_pretrained_true_download_failure(monkeypatch):
    monkeypatch.delenv(OFFLINE_ENV)
    monkeypatch.setattr(urllib.request, "urlopen", failing_urlopen([]))
    with pytest.raises(WeightsUnavailableError, match="no route to host"):
        create_model(3, pretrained=True)
