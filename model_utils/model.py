"""create_model: MobileNetV3-small met een nieuwe head voor onze klassen.

MobileNetV3-small bestaat uit drie delen: `features` (de convolutionele backbone, 576 kanalen uit),
`avgpool` (gemiddelde over de ruimtelijke posities) en `classifier`:

    classifier[0]  Linear(576, 1024)
    classifier[1]  Hardswish
    classifier[2]  Dropout(p=0.2)
    classifier[3]  Linear(1024, 1000)   <- de ImageNet-head, die we vervangen

Alleen classifier[3] hangt af van het aantal klassen, dus alleen die laag wordt vervangen.
"""

import pickle
import zipfile
from typing import Literal

from torch import nn
from torchvision.models import mobilenet_v3_small

from .weights import DEFAULT_WEIGHTS, ensure_weights, weights_load_error

ARCHITECTURE = "mobilenet_v3_small"
HEAD_INDEX = 3
HEAD_KEYS = (f"classifier.{HEAD_INDEX}.weight", f"classifier.{HEAD_INDEX}.bias")

Pretrained = bool | Literal["auto"]


def _describe_value(value: object) -> str:
    text = repr(value)
    # Een model of state_dict op de plaats van num_classes zou duizenden regels repr tonen.
    if len(text) > 60 or "\n" in text:
        return f"een object van type {type(value).__name__}"
    return f"{text} ({type(value).__name__})"


def validate_num_classes(num_classes: object) -> int:
    """Controleer dat `num_classes` een positief geheel getal is en geef het als int terug."""
    is_integer = isinstance(num_classes, int) or (
        hasattr(num_classes, "__index__") and not isinstance(num_classes, float)
    )
    if isinstance(num_classes, bool) or not is_integer:
        raise TypeError(
            f"num_classes moet een geheel getal zijn, maar is {_describe_value(num_classes)}. "
            "Geef het aantal klassen, bijvoorbeeld len(dataset.classes)."
        )
    value = int(num_classes.__index__())
    if value < 1:
        raise ValueError(
            f"num_classes moet minstens 1 zijn, maar is {value}. "
            "Geef het aantal klassen van je dataset, bijvoorbeeld 43 voor de grove klassen."
        )
    return value


def replace_head(model: nn.Module, num_classes: int) -> nn.Linear:
    """Vervang classifier[3] door een nieuwe Linear-laag met `num_classes` uitgangen."""
    in_features = model.classifier[HEAD_INDEX].in_features
    head = nn.Linear(in_features, num_classes)
    model.classifier[HEAD_INDEX] = head
    return head


def create_model(num_classes: int, *, pretrained: Pretrained = "auto") -> nn.Module:
    """Bouw MobileNetV3-small met een head voor `num_classes` klassen.

    pretrained:
        "auto" (standaard): ImageNet-gewichten als ze in de cache staan of te downloaden zijn,
            anders willekeurige gewichten met één melding.
        True: ImageNet-gewichten verplicht; anders een WeightsUnavailableError met de URL,
            de cachemap en het downloadcommando.
        False: willekeurige gewichten, zonder netwerk (zo bouwt load_model het model op).
    """
    num_classes = validate_num_classes(num_classes)
    if pretrained not in (True, False, "auto"):
        raise ValueError(f'pretrained moet True, False of "auto" zijn, maar is {pretrained!r}.')
    weights = None
    if pretrained is not False:
        weights = ensure_weights(DEFAULT_WEIGHTS, required=pretrained is True)
    try:
        model = mobilenet_v3_small(weights=weights)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile) as error:
        if weights is None:
            raise
        raise weights_load_error(weights, error) from error
    replace_head(model, num_classes)
    return model
