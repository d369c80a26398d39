"""Controles op argumenten van de datasets, met Nederlandse foutmeldingen."""


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise ValueError als `value` niet in `choices` staat."""
    if value not in choices:
        raise ValueError(
            f"Ongeldige waarde {name}={value!r}. Kies uit: {', '.join(map(repr, choices))}."
        )


def check_positive_int(name: str, value: object, *, allow_none: bool = False) -> None:
    """Raise ValueError tenzij `value` een geheel getal vanaf 1 is (of None met `allow_none`)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"Ongeldige waarde {name}={value!r}. Geef een geheel getal vanaf 1.")


def first_per_class(labels: list[int], limit: int | None) -> list[int]:
    """Geef de indices van de eerste `limit` voorbeelden per klasse, in de oorspronkelijke volgorde.

    Met `limit=None` komen alle indices terug.
    """
    if limit is None:
        return list(range(len(labels)))
    counts: dict[int, int] = {}
    kept_indices = []
    for index, label in enumerate(labels):
        counts[label] = counts.get(label, 0) + 1
        if counts[label] <= limit:
            kept_indices.append(index)
    return kept_indices
