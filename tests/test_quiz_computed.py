"""Computed answers against the real model from model_utils, built the same way in the test."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from torch import nn

from quiz.computed import (
    COMPUTED_NAMES,
    NUM_CLASSES,
    ComputedError,
    compute,
    computed_type,
    resolve,
)

model_utils = pytest.importorskip("model_utils")

SPEC_NAMES = {
    "total_parameters": "number",
    "trainable_after_freeze": "number",
    "head_in_features": "number",
    "head_weight_shape": "single",
    "backbone_out_channels": "number",
    "state_dict_key_count": "number",
    "batchnorm_buffer_names": "multiple",
}


@pytest.fixture(scope="module")
def model() -> nn.Module:
    return model_utils.create_model(NUM_CLASSES, pretrained=False)


def test_registry_matches_names():
    assert {name: computed_type(name) for name in COMPUTED_NAMES} == SPEC_NAMES


def test_unknown_name():
    with pytest.raises(ComputedError, match="Onbekende berekening"):
        compute("bestaat_niet")


def test_total_parameters(model):
    assert compute("total_parameters").answer == sum(p.numel() for p in model.parameters())


def test_trainable_after_freeze(model):
    head = sum(p.numel() for p in model.classifier.parameters())

    assert compute("trainable_after_freeze").answer == head


def test_head_in_features():
    assert compute("head_in_features").answer == 1024


def test_backbone_out_channels(model):
    model.eval()
    with torch.no_grad():
        channels = model.features(torch.zeros(1, 3, 64, 64)).shape[1]

    assert compute("backbone_out_channels").answer == channels == 576


def test_state_dict_key_count(model):
    assert compute("state_dict_key_count").answer == len(model.state_dict())


def test_head_weight_shape(model):
    result = compute("head_weight_shape")

    assert result.options[result.answer] == str(model.classifier[3].weight.shape)
    assert result.options[result.answer] == "torch.Size([43, 1024])"
    assert len(set(result.options)) == len(result.options) >= 3


def test_batchnorm_buffer_names():
    result = compute("batchnorm_buffer_names")
    chosen = {result.options[index].rsplit(".", 1)[1] for index in result.answer}
    others = {
        result.options[index].rsplit(".", 1)[1]
        for index in range(len(result.options))
        if index not in result.answer
    }

    assert chosen == {"running_mean", "running_var", "num_batches_tracked"}
    assert others == {"weight", "bias"}


def test_computation_leaves_shared_model_trainable():
    from quiz import computed

    compute("trainable_after_freeze")

    assert all(p.requires_grad for p in computed._model().parameters())


def test_resolve_fills_answer():
    from quiz.bank import Link, Question

    question = Question(
        id="model-shape",
        topic="model",
        type="single",
        prompt="Welke vorm?",
        explanation="Uitleg.",
        link=Link("01_model_bouwen.ipynb", "Parameters per deel"),
        computed="head_weight_shape",
    )

    resolved = resolve(question)

    assert resolved.options == compute("head_weight_shape").options
    assert resolved.answer == 0
    assert dataclasses.replace(resolved, options=(), answer=None) == question
