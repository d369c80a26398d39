"""Antwoorden die de quiz tijdens het draaien berekent uit het echte model van model_utils.

Een vraag met `computed: naam` in de vragenbank krijgt haar antwoord (en bij single en multiple
ook haar opties) van de functie `naam` hieronder. Zo klopt het antwoord altijd met de code van
model_utils. Dit is de enige module van de quiz die model_utils en torch importeert, en alleen
binnen de functies: `import quiz` blijft daardoor licht.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Het aantal klassen waarmee de quiz het model bouwt. Parameteraantallen hangen ervan af,
# dus de vragen in de bank gaan uit van dezelfde 43 klassen.
NUM_CLASSES = 43
IMAGENET_CLASSES = 1000


@dataclass(frozen=True)
class ComputedAnswer:
    """Berekend antwoord: een getal, een optie-index of een tuple van optie-indexen."""

    answer: Any
    options: tuple[str, ...] = ()


class ComputedError(RuntimeError):
    """Een berekend antwoord kon niet worden bepaald, bijvoorbeeld omdat torch ontbreekt."""


_REGISTRY: dict[str, tuple[str, Callable[[], ComputedAnswer]]] = {}


def _computed(question_type: str):
    def register(function: Callable[[], ComputedAnswer]) -> Callable[[], ComputedAnswer]:
        _REGISTRY[function.__name__] = (question_type, function)
        return function

    return register


def computed_type(name: str) -> str | None:
    """Geef het vraagtype dat berekening `name` oplevert, of None voor een onbekende naam."""
    entry = _REGISTRY.get(name)
    return entry[0] if entry else None


def compute(name: str) -> ComputedAnswer:
    """Bereken het antwoord van `name`. Het resultaat wordt per proces bewaard."""
    if name not in _REGISTRY:
        raise ComputedError(f"Onbekende berekening '{name}'. Kies uit: {', '.join(_REGISTRY)}.")
    return _cached_compute(name)


@functools.cache
def _cached_compute(name: str) -> ComputedAnswer:
    try:
        return _REGISTRY[name][1]()
    except ImportError as error:
        raise ComputedError(
            f"Het antwoord van '{name}' wordt berekend met model_utils, maar dat lukte niet: "
            f"{error}. Installeer de workshop met `make install` en probeer opnieuw."
        ) from error


def resolve(question):
    """Geef de vraag terug met het berekende antwoord ingevuld. Gewone vragen blijven gelijk."""
    if question.computed is None:
        return question
    result = compute(question.computed)
    changes: dict[str, Any] = {"answer": result.answer}
    if result.options:
        changes["options"] = result.options
    return dataclasses.replace(question, **changes)


@functools.cache
def _model():
    from model_utils import create_model

    # Willekeurige gewichten volstaan: vormen en aantallen hangen niet van de gewichten af,
    # en zo downloadt de quiz nooit voorgetrainde gewichten.
    return create_model(NUM_CLASSES, pretrained=False)


def _backbone_channels() -> int:
    import torch

    model = _model()
    was_training = model.training
    model.eval()
    with torch.no_grad():
        features = model.features(torch.zeros(1, 3, 224, 224))
    model.train(was_training)
    return int(features.shape[1])


@_computed("number")
def total_parameters() -> ComputedAnswer:
    from model_utils import count_parameters

    return ComputedAnswer(count_parameters(_model()).total)


@_computed("number")
def trainable_after_freeze() -> ComputedAnswer:
    from model_utils import count_parameters, freeze_backbone

    model = copy.deepcopy(_model())
    freeze_backbone(model)
    return ComputedAnswer(count_parameters(model).trainable)


@_computed("number")
def head_in_features() -> ComputedAnswer:
    return ComputedAnswer(int(_model().classifier[3].in_features))


@_computed("single")
def head_weight_shape() -> ComputedAnswer:
    out_features, in_features = tuple(_model().classifier[3].weight.shape)
    # De afleiders zijn de typische vergissingen: omgewisselde assen, het aantal kanalen uit de
    # backbone in plaats van de 1024 features van de head, en de 1000 ImageNet-klassen.
    shapes = [
        (out_features, in_features),
        (in_features, out_features),
        (out_features, _backbone_channels()),
        (IMAGENET_CLASSES, in_features),
    ]
    options = tuple(dict.fromkeys(f"torch.Size([{rows}, {columns}])" for rows, columns in shapes))
    return ComputedAnswer(0, options)


@_computed("number")
def backbone_out_channels() -> ComputedAnswer:
    return ComputedAnswer(_backbone_channels())


@_computed("number")
def state_dict_key_count() -> ComputedAnswer:
    return ComputedAnswer(len(_model().state_dict()))


@_computed("multiple")
def batchnorm_buffer_names() -> ComputedAnswer:
    from torch import nn

    model = _model()
    name = next(
        name for name, module in model.named_modules() if isinstance(module, nn.BatchNorm2d)
    )
    keys = tuple(key for key in model.state_dict() if key.startswith(name + "."))
    buffers = {buffer_name for buffer_name, _ in model.named_buffers()}
    answer = tuple(index for index, key in enumerate(keys) if key in buffers)
    return ComputedAnswer(answer, keys)


COMPUTED_NAMES = tuple(_REGISTRY)
