"""Bestanden veilig schrijven: een lezer ziet altijd het oude of het nieuwe bestand, nooit half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Schrijf `text` naar een tijdelijk bestand in dezelfde map en vervang dan `path`.

    os.replace is atomair binnen één bestandssysteem, daarom staat het tijdelijke bestand in
    dezelfde map. Bij een OSError blijft het oude bestand ongewijzigd en verdwijnt het
    tijdelijke bestand.
    """
    target = Path(path)
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            dir=target.parent,
            prefix=f".{target.name}.",
            suffix=".tmp",
            delete=False,
        ) as handle:
            temporary = Path(handle.name)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    return target
