"""Voorgetrainde ImageNet-gewichten: waar ze in de cache staan, downloaden, offline terugvallen.

torchvision laadt gewichten uit `$TORCH_HOME/hub/checkpoints/<bestandsnaam uit de URL>`. Staat
het bestand daar, dan downloadt torchvision niets. Deze module zorgt dat het bestand er staat,
of legt uit waarom niet, voordat torchvision het laadt.
"""

import hashlib
import http.client
import os
import re
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import torch
from torchvision.models import MobileNet_V3_Small_Weights
from torchvision.transforms._presets import ImageClassification

from .notices import notify
from .progress import progress_bar

DEFAULT_WEIGHTS = MobileNet_V3_Small_Weights.IMAGENET1K_V1
OFFLINE_ENV = "MODEL_UTILS_OFFLINE"
DOWNLOAD_COMMAND = "python -m model_utils download --weights"
DOWNLOAD_TIMEOUT_SECONDS = 20


class WeightsUnavailableError(RuntimeError):
    """De voorgetrainde gewichten staan niet in de cache en konden niet gedownload worden."""


class WeightsFileError(RuntimeError):
    """Het gewichtenbestand in de cache is beschadigd of onvolledig."""


def weights_file(weights: MobileNet_V3_Small_Weights = DEFAULT_WEIGHTS) -> Path:
    """Geef het pad waar torchvision het gewichtenbestand zoekt (afhankelijk van TORCH_HOME)."""
    file_name = os.path.basename(urlparse(weights.url).path)
    return Path(torch.hub.get_dir()) / "checkpoints" / file_name


def pretrained_weights_available(weights: MobileNet_V3_Small_Weights = DEFAULT_WEIGHTS) -> bool:
    """Geef aan of het gewichtenbestand al in de cache staat (zonder het te openen)."""
    return weights_file(weights).is_file()


def offline_mode() -> bool:
    """Geef aan of downloaden uitgeschakeld is met MODEL_UTILS_OFFLINE=1."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "ja"}


def _expected_hash_prefix(path: Path) -> str | None:
    # torchvision zet de eerste hexcijfers van de SHA-256 in de bestandsnaam: naam-<hash>.pth.
    match = re.search(r"-([a-f0-9]{6,})\.", path.name)
    return match.group(1) if match else None


def download_weights(
    weights: MobileNet_V3_Small_Weights = DEFAULT_WEIGHTS,
    *,
    timeout: float = DOWNLOAD_TIMEOUT_SECONDS,
    progress: bool = True,
) -> Path:
    """Download de gewichten naar de torch-cache en geef het pad terug.

    Het bestand komt eerst als tijdelijk bestand in dezelfde map en krijgt pas na een geslaagde
    hashcontrole zijn echte naam, zodat een afgebroken download nooit als cache telt.
    `timeout` (seconden) geldt per netwerkbewerking, zodat slechte wifi niet eindeloos hangt.
    """
    target = weights_file(weights)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    temporary = Path(handle.name)
    digest = hashlib.sha256()
    received = 0
    try:
        with handle, urllib.request.urlopen(weights.url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            chunks = iter(lambda: response.read(1 << 16), b"")
            bar = progress_bar(
                chunks, enabled=progress, total=(total // (1 << 16) + 1) if total else None
            )
            for chunk in bar:
                handle.write(chunk)
                digest.update(chunk)
                received += len(chunk)
        # Een verbroken verbinding eindigt als een gewoon einde van de data, dus zonder deze
        # controle telt een half bestand zonder hash in de naam als geslaagd.
        if total is not None and received != total:
            raise WeightsUnavailableError(
                f"De download van {weights.url} is onvolledig: {received} van de {total} bytes "
                f"ontvangen. Probeer opnieuw met `{DOWNLOAD_COMMAND}`."
            )
        expected = _expected_hash_prefix(target)
        if expected and not digest.hexdigest().startswith(expected):
            raise WeightsUnavailableError(
                f"De download van {weights.url} is onvolledig of gewijzigd: de SHA-256 begint niet "
                f"met {expected}. Probeer opnieuw met `{DOWNLOAD_COMMAND}`."
            )
        os.replace(temporary, target)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        if isinstance(error, urllib.error.HTTPError):
            # Een HTTPError houdt de verbinding open tot de garbage collector hem opruimt.
            error.close()
        raise WeightsUnavailableError(_unavailable_message(weights, reason=str(error))) from error
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _unavailable_message(weights: MobileNet_V3_Small_Weights, *, reason: str) -> str:
    return (
        f"De voorgetrainde ImageNet-gewichten zijn niet beschikbaar ({reason}). "
        f"Ze komen van {weights.url} en horen in de map {weights_file(weights).parent}. "
        f"Download ze op een machine met internet met `{DOWNLOAD_COMMAND}`, "
        f"of kopieer het bestand {weights_file(weights).name} naar die map."
    )


def ensure_weights(
    weights: MobileNet_V3_Small_Weights = DEFAULT_WEIGHTS, *, required: bool
) -> MobileNet_V3_Small_Weights | None:
    """Zorg dat de gewichten in de cache staan en geef `weights` terug, of None bij terugvallen.

    Met `required=True` volgt een WeightsUnavailableError als dat niet lukt. Met `required=False`
    volgt één melding en geeft de functie None terug, zodat een notebook offline blijft werken.
    """
    if pretrained_weights_available(weights):
        return weights
    if offline_mode():
        reason = f"{OFFLINE_ENV}=1 staat aan en het bestand staat niet in de cache"
    else:
        try:
            download_weights(weights)
            return weights
        except WeightsUnavailableError as error:
            if required:
                raise
            reason = f"download mislukt: {error.__cause__ or error}"
    if required:
        raise WeightsUnavailableError(_unavailable_message(weights, reason=reason))
    notify(
        "geen voorgetrainde gewichten gevonden, dus het model start met willekeurige gewichten. "
        f"Voorspellingen zijn daardoor nog zinloos. Oorzaak: {reason}. "
        f"Oplossing: `{DOWNLOAD_COMMAND}` op een machine met internet.",
        key="weights-fallback",
    )
    return None


def weights_load_error(weights: MobileNet_V3_Small_Weights, error: Exception) -> WeightsFileError:
    """Maak de foutmelding voor een gewichtenbestand dat torchvision niet kon lezen."""
    path = weights_file(weights)
    return WeightsFileError(
        f"Het gewichtenbestand {path} is beschadigd of onvolledig ({type(error).__name__}: "
        f"{str(error).splitlines()[0] if str(error) else 'geen details'}). "
        f"Verwijder het bestand en download het opnieuw met `{DOWNLOAD_COMMAND}`."
    )


def preprocess(image_size: int = 224, weights: MobileNet_V3_Small_Weights = DEFAULT_WEIGHTS):
    """Geef de voorbewerking van de gewichten, geschaald naar `image_size` pixels.

    Bij 224 is dit exact `weights.transforms()`: schalen naar 256, centraal 224 uitsnijden,
    normaliseren met het ImageNet-gemiddelde en de standaardafwijking. Bij een andere grootte
    blijft de verhouding 256/224 tussen schalen en uitsnijden gelijk.
    """
    if not isinstance(image_size, int) or isinstance(image_size, bool) or image_size < 32:
        raise ValueError(
            f"image_size moet een geheel getal van minstens 32 zijn, maar is {image_size!r}. "
            "Kies bijvoorbeeld 224 (zoals bij ImageNet) of 128 voor snelle demo's."
        )
    preset = weights.transforms()
    if image_size == preset.crop_size[0]:
        return preset
    resize = round(image_size * preset.resize_size[0] / preset.crop_size[0])
    return ImageClassification(
        crop_size=image_size,
        resize_size=resize,
        mean=preset.mean,
        std=preset.std,
        interpolation=preset.interpolation,
    )


def imagenet_categories(weights: MobileNet_V3_Small_Weights = DEFAULT_WEIGHTS) -> list[str]:
    """Geef de 1000 ImageNet-klassenamen uit de metadata van de gewichten."""
    return list(weights.meta["categories"])
