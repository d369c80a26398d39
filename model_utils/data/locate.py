"""De map van de Grocery Store Dataset vinden: expliciet pad, omgevingsvariabele of standaardmap."""

import os
from pathlib import Path

ENV_VAR = "GROCERY_STORE_DATASET"
CLONE_COMMAND = (
    "git clone https://github.com/marcusklasson/GroceryStoreDataset.git ~/GroceryStoreDataset"
)
# De workshop kloont de dataset naar ~/GroceryStoreDataset. De map wordt pas bij elke aanroep
# uitgewerkt, zodat een gewijzigde HOME (bijvoorbeeld in tests) meetelt.
DEFAULT_LOCATION = "~/GroceryStoreDataset"
REQUIRED_FILES = ("classes.csv", "train.txt")


class DatasetNotFoundError(FileNotFoundError):
    """Ontbrekende map of ontbrekend bestand van de Grocery Store Dataset.

    De melding noemt het pad en hoe je het oplost.
    """


def find_dataset_root(root: str | os.PathLike | None = None) -> Path | None:
    """Zoek de map `dataset/` van de Grocery Store Dataset en geef het absolute pad terug.

    Volgorde: `root`, anders de omgevingsvariabele GROCERY_STORE_DATASET, anders
    ~/GroceryStoreDataset. Elk van die paden mag de map `dataset/` zelf zijn of de gekloonde
    map die `dataset/` bevat. Een pad dat je zelf opgeeft (via `root` of de omgevingsvariabele)
    en dat niet klopt, geeft een DatasetNotFoundError. Ontbreekt de standaardmap, dan geeft
    de functie None terug.
    """
    if root is not None:
        return _require_dataset_dir(Path(root).expanduser(), source=None)

    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return _require_dataset_dir(Path(from_env).expanduser(), source=ENV_VAR)

    return _dataset_dir_in(Path(DEFAULT_LOCATION).expanduser())


def require_dataset_root(root: str | os.PathLike | None = None) -> Path:
    """Zoek de dataset zoals find_dataset_root; raise DatasetNotFoundError als er geen is."""
    found = find_dataset_root(root)
    if found is None:
        raise DatasetNotFoundError(
            f"Geen Grocery Store Dataset gevonden: er is geen pad opgegeven, {ENV_VAR} is niet "
            f"gezet en {Path(DEFAULT_LOCATION).expanduser()} bevat geen dataset. Kloon de "
            f"dataset met: {CLONE_COMMAND}"
        )
    return found


def _missing_files(directory: Path) -> list[str]:
    return [name for name in REQUIRED_FILES if not (directory / name).is_file()]


def _dataset_dir_in(path: Path) -> Path | None:
    for candidate in (path, path / "dataset"):
        if candidate.is_dir() and not _missing_files(candidate):
            return candidate.resolve()
    return None


def _require_dataset_dir(path: Path, source: str | None) -> Path:
    found = _dataset_dir_in(path)
    if found is not None:
        return found

    origin = f"{source} wijst naar {path}" if source else f"je gaf het pad {path} op"
    fix = (
        f"Wijs naar de map dataset/ (met {', '.join(REQUIRED_FILES)} en val.txt) of naar de "
        f"gekloonde map erboven, of kloon de dataset met: {CLONE_COMMAND}"
    )
    if not path.exists():
        raise DatasetNotFoundError(f"De map {path} bestaat niet ({origin}). {fix}")
    if not path.is_dir():
        raise DatasetNotFoundError(f"{path} is een bestand en geen map ({origin}). {fix}")

    # Toon wat er ontbreekt in de map die het meest op een dataset lijkt: de submap dataset/
    # als die bestaat, want dan is de kloon waarschijnlijk onvolledig.
    checked = path / "dataset" if (path / "dataset").is_dir() else path
    missing = " en ".join(_missing_files(checked))
    raise DatasetNotFoundError(
        f"In de map {checked} ontbreekt {missing}, dus dit is geen map van de Grocery Store "
        f"Dataset ({origin}). {fix}"
    )
