"""Wrappers en hun sleutelprefixen in een state_dict.

nn.DataParallel en DistributedDataParallel bewaren het echte model als `.module`, torch.compile als
`._orig_mod`. Hun state_dict krijgt daardoor een prefix (`module.`, `_orig_mod.`, of beide) voor
elke sleutel. Deze module pakt zulke wrappers uit en haalt zo'n prefix weg, maar alleen als élke
sleutel hem draagt: een prefix op een deel van de sleutels is een fout, geen gok.
"""

from collections.abc import Mapping

import torch
from torch import nn

from .errors import CheckpointError
from .notices import notify

# Attributen waaronder bekende wrappers het echte model bewaren.
WRAPPED_ATTRIBUTES = ("module", "_orig_mod")


def unwrap_model(model: nn.Module) -> nn.Module:
    """Geef het model binnen DataParallel-, DistributedDataParallel- of torch.compile-wrappers."""
    while True:
        inner = next(
            (
                getattr(model, name)
                for name in WRAPPED_ATTRIBUTES
                if isinstance(getattr(model, name, None), nn.Module)
                and len(dict(model.named_children())) == 1
            ),
            None,
        )
        if inner is None:
            return model
        model = inner


def _first_part(key: str) -> str:
    return key.split(".", 1)[0]


def match_state_dict(
    state_dict: Mapping[str, torch.Tensor],
    expected: Mapping[str, torch.Tensor],
    *,
    source: str,
) -> dict[str, torch.Tensor]:
    """Haal een wrapperprefix weg als alle sleutels hem dragen en het model hem niet kent.

    Geeft een nieuwe dict terug. Een prefix die maar op een deel van de sleutels staat, geeft een
    CheckpointError die zegt welke sleutels wel en welke niet beginnen met die prefix.
    """
    result = dict(state_dict)
    known_roots = {_first_part(key) for key in expected}
    removed = []
    while result:
        roots = {_first_part(key) for key in result}
        foreign = roots - known_roots
        if not foreign:
            break
        if roots != foreign:
            with_prefix = [key for key in result if _first_part(key) in foreign]
            without = [key for key in result if _first_part(key) not in foreign]
            raise CheckpointError(
                f"In {source} beginnen {len(with_prefix)} van de {len(result)} sleutels met een "
                f"prefix die het model niet kent (bijvoorbeeld {with_prefix[0]!r}), en de andere "
                f"niet (bijvoorbeeld {without[0]!r}). Zo'n gemengd bestand wordt niet geraden: "
                "bewaar het model opnieuw met save_model, dat wrappers zelf uitpakt."
            )
        if len(roots) > 1 or not all("." in key for key in result):
            break  # Niets gemeen met het model: load_state_into benoemt de sleutels.
        removed.append(roots.pop())
        result = {key.split(".", 1)[1]: value for key, value in result.items()}
    if removed:
        prefix_text = "".join(f"{part}." for part in removed)
        notify(
            f"alle sleutels in {source} begonnen met {prefix_text!r} (van een wrapper zoals "
            "nn.DataParallel); die prefix is weggehaald en het model is gewoon geladen.",
        )
    return result
