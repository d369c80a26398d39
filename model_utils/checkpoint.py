"""save_model en load_model: het checkpointformaat, controles en duidelijke fouten.

Een checkpoint van save_model is een dict met alleen gewone Python-data en tensors, zodat
`torch.load(..., weights_only=True)` het kan lezen zonder code uit te voeren:

    {"format": "model_utils/1", "architecture": "mobilenet_v3_small", "num_classes": 43,
     "class_names": [...] of None, "metadata": {...}, "state_dict": {...}}

load_model leest ook een kale state_dict, zoals `torch.save(model.state_dict(), pad)` die schrijft.
"""

import os
import pickle
import pickletools
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .errors import CheckpointError
from .model import ARCHITECTURE, HEAD_KEYS, create_model, validate_num_classes
from .state_dicts import match_state_dict, unwrap_model

FORMAT = "model_utils/1"
TRAINING_FORMAT = "model_utils-training/1"
MapLocation = str | torch.device | Mapping[str, str] | Callable | None


@dataclass
class Checkpoint:
    """De inhoud van een checkpointbestand, los van het model."""

    path: Path
    state_dict: dict[str, torch.Tensor]
    num_classes: int | None
    class_names: list[str] | None = None
    architecture: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


# --- Schrijven -------------------------------------------------------------------------------


def _plain(value: Any, where: str) -> Any:
    """Zet metadata om naar gewone Python-data, of weiger ze met een duidelijke fout.

    NumPy-getallen en -arrays worden ints, floats en lijsten. Tensors en eigen objecten worden
    geweigerd, omdat `weights_only=True` eigen klassen niet laadt en een tensor als metadata
    meestal een vergissing is (gebruik `.item()` of `.tolist()`).
    """
    # Alleen exacte types: numpy.float64 en numpy.str_ zijn subklassen van float en str, maar
    # torch.save bewaart ze als NumPy-object, dat niet laadt met weights_only=True.
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return _plain(value.tolist(), where)
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CheckpointError(
                    f"Metadata {where} heeft een sleutel {key!r} van type {type(key).__name__}; "
                    "gebruik tekst (str) als sleutel."
                )
            result[str(key)] = _plain(item, f"{where}[{key!r}]")
        return result
    if isinstance(value, torch.Tensor):
        raise CheckpointError(
            f"Metadata {where} is een tensor. Zet hem om naar gewone data met `.item()` "
            "(één getal) of `.tolist()`, of bewaar hem in het model zelf."
        )
    raise CheckpointError(
        f"Metadata {where} is een object van type {type(value).__module__}."
        f"{type(value).__name__}. Een checkpoint moet laden met weights_only=True, dus bewaar "
        "alleen tekst, getallen, True/False, None, lijsten en dicts."
    )


def _check_destination(path: Path) -> None:
    if path.is_dir():
        raise CheckpointError(
            f"{path} is een map, geen bestand. Geef een bestandsnaam, "
            f"bijvoorbeeld {path / 'model.pth'}."
        )


def atomic_torch_save(payload: Any, path: str | os.PathLike) -> Path:
    """Schrijf `payload` met torch.save naar `path` zonder ooit een half bestand achter te laten.

    Het bestand komt eerst als tijdelijk bestand in dezelfde map (zodat de rename op hetzelfde
    bestandssysteem blijft) en vervangt pas daarna in één stap het oude bestand.
    """
    path = Path(path).expanduser()
    _check_destination(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
    except OSError as error:
        raise CheckpointError(
            f"Kan het checkpoint {path} niet schrijven ({error.strerror or error}). Kies een map "
            "waarin je mag schrijven en waar nog plaats is."
        ) from error
    temporary = Path(handle.name)
    try:
        with handle:
            torch.save(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise CheckpointError(
            f"Het schrijven van {path} is mislukt ({error.strerror or error}); een eerder bestand "
            "op die plaats is ongewijzigd. Controleer de vrije schijfruimte en probeer opnieuw."
        ) from error
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _model_state_dict(model: nn.Module, argument: str) -> dict[str, torch.Tensor]:
    if isinstance(model, Mapping):
        raise CheckpointError(
            f"{argument} verwacht een model (nn.Module), maar kreeg een dict: dat lijkt al een "
            "state_dict. Geef het model zelf door, bijvoorbeeld save_model(model, pad)."
        )
    if not isinstance(model, nn.Module):
        raise CheckpointError(
            f"{argument} verwacht een model (nn.Module), maar kreeg {type(model).__name__}."
        )
    return unwrap_model(model).state_dict()


def _class_names(class_names: Any, num_classes: int) -> list[str] | None:
    if class_names is None:
        return None
    names = [str(name) for name in _plain(list(class_names), "class_names")]
    if len(names) != num_classes:
        raise CheckpointError(
            f"class_names heeft {len(names)} namen, maar het model heeft {num_classes} "
            "uitgangen. Geef precies één naam per klasse, in de volgorde van de labels."
        )
    return names


def _num_outputs(state_dict: Mapping[str, torch.Tensor]) -> int | None:
    weight = state_dict.get(HEAD_KEYS[0])
    return int(weight.shape[0]) if weight is not None else None


def save_model(
    model: nn.Module,
    path: str | os.PathLike = "model.pth",
    *,
    class_names: list[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Path:
    """Bewaar de state_dict van `model` (nooit het gepickelde model) met de metadata om te laden.

    Een model in een wrapper (nn.DataParallel, DistributedDataParallel, torch.compile) wordt
    eerst uitgepakt, zodat de sleutels geen prefix als `module.` krijgen. Het schrijven is
    atomair: bij een fout blijft een eerder bestand op `path` byte voor byte ongewijzigd.
    Geeft het pad van het geschreven bestand terug.
    """
    state_dict = _model_state_dict(model, "save_model")
    num_classes = _num_outputs(state_dict)
    payload = {
        "format": FORMAT,
        "architecture": ARCHITECTURE,
        "num_classes": num_classes,
        "class_names": _class_names(class_names, num_classes or 0),
        "metadata": _plain(dict(metadata or {}), "metadata"),
        "state_dict": state_dict,
    }
    return atomic_torch_save(payload, path)


def save_training_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    *,
    epoch: int,
    class_names: list[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Path:
    """Bewaar alles om verder te trainen: gewichten, optimizer-toestand, epoch en klassenamen."""
    state_dict = _model_state_dict(model, "save_training_checkpoint")
    num_classes = _num_outputs(state_dict)
    payload = {
        "format": TRAINING_FORMAT,
        "architecture": ARCHITECTURE,
        "num_classes": num_classes,
        "class_names": _class_names(class_names, num_classes or 0),
        "metadata": _plain(dict(metadata or {}), "metadata"),
        "epoch": int(epoch),
        "state_dict": state_dict,
        "optimizer_state_dict": optimizer.state_dict(),
    }
    return atomic_torch_save(payload, path)


# --- Lezen -----------------------------------------------------------------------------------


def _check_source(path: Path) -> None:
    if path.is_dir():
        raise CheckpointError(
            f"{path} is een map, geen checkpointbestand. Geef het bestand zelf, "
            f"bijvoorbeeld {path / 'model.pth'}."
        )
    if not path.exists():
        raise CheckpointError(
            f"Het checkpoint {path} bestaat niet. Controleer het pad, of train eerst een model "
            "met `python -m model_utils train`, dat model.pth schrijft."
        )
    if path.stat().st_size == 0:
        raise CheckpointError(
            f"Het checkpoint {path} is leeg (0 bytes), waarschijnlijk door een afgebroken "
            "opslag. Bewaar het model opnieuw met save_model."
        )


def _first_global(path: Path) -> str | None:
    """Geef het eerste object dat de pickle in `path` zou importeren: bij torch.save(model) de
    klasse van het model zelf. Leest alleen opcodes en voert niets uit."""
    try:
        with zipfile.ZipFile(path) as archive:
            name = next(item for item in archive.namelist() if item.endswith("data.pkl"))
            data = archive.read(name)
        for opcode, argument, _position in pickletools.genops(data):
            if opcode.name == "GLOBAL":
                return ".".join(str(argument).split(" ", 1))
    except (OSError, StopIteration, zipfile.BadZipFile, ValueError):
        return None
    return None


def _unsafe_globals(path: Path, error: Exception) -> list[str]:
    """Geef de Python-objecten die torch.load met weights_only=True weigerde, het eerste eerst."""
    try:
        found = sorted(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    except Exception:  # noqa: BLE001 - alleen voor de foutmelding; het bestand is al geweigerd
        found = []
    # Een pickle zonder zip-omhulsel (oud formaat of pickle.dump) kan torch niet scannen; de
    # foutmelding van torch.load noemt dan het geweigerde object.
    found = found or re.findall(r"GLOBAL ([\w.]+)", str(error))
    first = _first_global(path)
    if first in found:
        found.remove(first)
        found.insert(0, first)
    return found


def _rejected_file_message(path: Path, found: list[str]) -> str:
    # `found` begint met het object bovenaan de pickle: bij een heel model is dat zijn klasse.
    if any("torch.nn.modules" in name or ".models." in name for name in found):
        what = f"een volledig gepickeld model ({found[0]}), gemaakt met torch.save(model)"
    else:
        what = f"objecten die bij het laden code zouden uitvoeren ({', '.join(found[:3])})"
    return (
        f"Het bestand {path} bevat {what}. Het is niet geladen en er is niets uitgevoerd: "
        "unpickling kan willekeurige code uitvoeren, daarom laadt torch.load met "
        "weights_only=True alleen tensors en gewone data. Bewaar modellen met "
        "save_model(model, pad) of torch.save(model.state_dict(), pad). Vertrouw je de bron "
        "volledig, laad het dan één keer met torch.serialization.safe_globals([...]) en bewaar "
        "daarna de state_dict."
    )


def _check_map_location(map_location: MapLocation) -> None:
    """Weiger een onbekend of ontbrekend apparaat, dat torch.load als beschadigd bestand meldt."""
    if not isinstance(map_location, str | torch.device):
        return
    try:
        device = torch.device(map_location)
    except RuntimeError as error:
        raise ValueError(
            f"map_location={map_location!r} is geen geldig apparaat. Gebruik bijvoorbeeld "
            "map_location='cpu' of map_location='cuda'."
        ) from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"map_location={map_location!r} vraagt een GPU, maar PyTorch vindt hier geen CUDA. "
            "Laad het checkpoint met map_location='cpu'."
        )


def _not_a_checkpoint(path: Path, error: Exception) -> CheckpointError:
    return CheckpointError(
        f"Het bestand {path} is geen PyTorch-checkpoint, of het is beschadigd: torch.load "
        f"herkent de inhoud niet ({type(error).__name__}). Kies het .pth-bestand dat "
        "save_model of torch.save schreef."
    )


def _load_payload(path: Path, map_location: MapLocation) -> Any:
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except OSError as error:
        raise CheckpointError(
            f"Het checkpoint {path} kan niet gelezen worden ({error.strerror or error}). "
            "Controleer de rechten van het bestand en of de schijf bereikbaar is."
        ) from error
    except pickle.UnpicklingError as error:
        found = _unsafe_globals(path, error)
        if found:
            raise CheckpointError(_rejected_file_message(path, found)) from error
        raise _not_a_checkpoint(path, error) from error
    except (RuntimeError, EOFError, zipfile.BadZipFile) as error:
        if "deserialize object on a CUDA device" in str(error):
            raise CheckpointError(
                f"Het checkpoint {path} is op een GPU bewaard, en hier is geen CUDA. Laad het met "
                "map_location='cpu' (load_model doet dat standaard), zodat de tensors op de CPU "
                "terechtkomen."
            ) from error
        # Zo reageert de zip-lezer van torch op een afgebroken of beschadigd bestand.
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CheckpointError(
            f"Het checkpoint {path} is beschadigd of onvolledig, of is geen PyTorch-bestand "
            f"({first_line}). Bewaar het model opnieuw met save_model, of kopieer het bestand "
            "opnieuw als het van een andere machine komt."
        ) from error
    except Exception as error:  # noqa: BLE001
        # Tekst of willekeurige bytes laten de unpickler op veel manieren vastlopen:
        # KeyError, IndexError, UnicodeDecodeError, ...
        raise _not_a_checkpoint(path, error) from error


def _is_state_dict(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and len(value) > 0
        and all(isinstance(key, str) for key in value)
        and all(isinstance(item, torch.Tensor) for item in value.values())
    )


def read_checkpoint(path: str | os.PathLike = "model.pth", *, map_location: MapLocation = "cpu"):
    """Lees een checkpoint zonder code uit te voeren en geef een Checkpoint terug.

    Aanvaardt het formaat van save_model en save_training_checkpoint, een kale state_dict,
    en een dict met de sleutel "model_state_dict" zoals in veel tutorials.
    """
    path = Path(path).expanduser()
    _check_map_location(map_location)
    _check_source(path)
    payload = _load_payload(path, map_location)
    if _is_state_dict(payload):
        return Checkpoint(path, dict(payload), _num_outputs(payload))
    if isinstance(payload, Mapping):
        for key in ("state_dict", "model_state_dict"):
            if _is_state_dict(payload.get(key)):
                state_dict = dict(payload[key])
                return Checkpoint(
                    path=path,
                    state_dict=state_dict,
                    num_classes=payload.get("num_classes") or _num_outputs(state_dict),
                    class_names=payload.get("class_names"),
                    architecture=payload.get("architecture"),
                    metadata=dict(payload.get("metadata") or {}),
                    raw=dict(payload),
                )
    raise CheckpointError(
        f"Het bestand {path} is wel een PyTorch-bestand, maar geen checkpoint van een model: "
        f"het bevat {type(payload).__name__} zonder state_dict. Bewaar modellen met "
        "save_model(model, pad)."
    )


def _check_compatible(checkpoint: Checkpoint, num_classes: int) -> None:
    if checkpoint.architecture not in (None, ARCHITECTURE):
        raise CheckpointError(
            f"Het checkpoint {checkpoint.path} hoort bij de architectuur "
            f"{checkpoint.architecture!r}, niet bij {ARCHITECTURE!r}. Laad het met de code "
            "die het model bouwde, of train een nieuw model met create_model."
        )
    if checkpoint.num_classes is not None and checkpoint.num_classes != num_classes:
        raise CheckpointError(
            f"Het checkpoint {checkpoint.path} is gemaakt voor {checkpoint.num_classes} "
            f"klassen, maar je vraagt een model met {num_classes} klassen. Gebruik "
            f"load_model({checkpoint.num_classes}, ...), of kies het checkpoint dat bij je "
            f"{num_classes} klassen hoort."
        )


def load_state_into(model: nn.Module, checkpoint: Checkpoint, *, strict: bool = True) -> nn.Module:
    """Laad de gewichten van `checkpoint` in `model`, met controles die elke mismatch benoemen."""
    state_dict = match_state_dict(
        checkpoint.state_dict, model.state_dict(), source=str(checkpoint.path)
    )
    allowed_missing = set(HEAD_KEYS) if not strict else set()
    expected = model.state_dict()
    missing = [key for key in expected if key not in state_dict]
    unexpected = [key for key in state_dict if key not in expected]
    wrong_shape = [
        f"{key}: {tuple(state_dict[key].shape)} in het bestand, {tuple(expected[key].shape)} "
        "in het model"
        for key in expected
        if key in state_dict and state_dict[key].shape != expected[key].shape
    ]
    not_allowed = [key for key in missing if key not in allowed_missing]
    if not_allowed or unexpected or wrong_shape:
        raise CheckpointError(
            _mismatch_message(checkpoint.path, not_allowed, unexpected, wrong_shape)
        )
    # assign=True neemt de geladen tensors zelf over, dus ze blijven op het apparaat van
    # map_location (ook "meta", waar kopiëren onmogelijk is).
    model.load_state_dict(state_dict, strict=not missing, assign=True)
    return model


def _mismatch_message(path: Path, missing, unexpected, wrong_shape) -> str:
    parts = [f"De gewichten in {path} passen niet in het model."]
    for label, keys in (
        ("ontbreken in het bestand", missing),
        ("staan in het bestand maar niet in het model", unexpected),
        ("hebben een andere vorm", wrong_shape),
    ):
        if keys:
            shown = ", ".join(keys[:5]) + (f" en {len(keys) - 5} meer" if len(keys) > 5 else "")
            parts.append(f"{len(keys)} sleutels {label}: {shown}.")
    parts.append(
        "Controleer dat het bestand van een MobileNetV3-small van create_model komt en dat het "
        "aantal klassen klopt."
    )
    return " ".join(parts)


def _target_device(map_location: MapLocation) -> torch.device | None:
    if isinstance(map_location, str | torch.device):
        return torch.device(map_location)
    return None


def load_model(
    num_classes: int,
    path: str | os.PathLike = "model.pth",
    *,
    map_location: MapLocation = "cpu",
    strict: bool = True,
) -> nn.Module:
    """Bouw het model opnieuw met create_model en laad de gewichten uit `path`.

    Het model wordt gebouwd zonder voorgetrainde gewichten (het checkpoint overschrijft ze toch),
    dus laden raakt nooit het netwerk. `map_location` (standaard "cpu") bepaalt op welk apparaat
    de tensors terechtkomen, zodat een checkpoint van een GPU ook op een laptop laadt.
    Met strict=False mogen alleen de sleutels van de head (classifier.3) ontbreken.
    Geeft het model in evaluatiemodus terug.
    """
    num_classes = validate_num_classes(num_classes)
    checkpoint = read_checkpoint(path, map_location=map_location)
    _check_compatible(checkpoint, num_classes)
    model = create_model(num_classes, pretrained=False)
    load_state_into(model, checkpoint, strict=strict)
    device = _target_device(map_location)
    if device is not None:
        model.to(device)
    model.class_names = checkpoint.class_names
    return model.eval()


def load_training_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    *,
    map_location: MapLocation = "cpu",
) -> Checkpoint:
    """Zet model en optimizer terug in de toestand van een trainingscheckpoint om verder te trainen.

    Geeft de Checkpoint terug; het volgende epochnummer is `checkpoint.raw["epoch"] + 1`.
    """
    checkpoint = read_checkpoint(path, map_location=map_location)
    load_state_into(unwrap_model(model), checkpoint)
    if optimizer is not None:
        if "optimizer_state_dict" not in checkpoint.raw:
            raise CheckpointError(
                f"Het checkpoint {checkpoint.path} bevat geen optimizer-toestand, dus verder "
                "trainen met dezelfde optimizer kan niet. Bewaar met save_training_checkpoint."
            )
        optimizer.load_state_dict(checkpoint.raw["optimizer_state_dict"])
    return checkpoint
