"""Loading and validating question banks: Dutch errors that name file, question id and field."""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quiz_fixtures import (
    HEADING_EVAL,
    NOTEBOOK_02,
    NOTEBOOK_03,
    topic_data,
    write_bank,
    write_notebook,
    write_notebooks,
    write_topic,
)

from quiz.bank import NOTEBOOKS_DIR, QUESTIONS_DIR, BankError, load_bank
from quiz.schema import ALL_FIELDS, QUESTION_TYPES

# --------------------------------------------------------------------------- valid banks


def test_load_all_types(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    assert {question.type for question in bank.questions} == set(QUESTION_TYPES)
    assert [topic.id for topic in bank.topics] == ["opslaan", "modi"]


def test_load_normalises_answers(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    assert bank.by_id("opslaan-buffers").answer == (1, 2)
    assert bank.by_id("modi-volgorde").answer == (0, 1, 2, 3)
    assert bank.by_id("opslaan-portability").exam is True
    assert bank.by_id("opslaan-inhoud").link.heading == "Wat zit er in een state_dict?"


def test_load_single_file(tmp_path):
    path = write_topic(tmp_path, topic_data("modi"))

    bank = load_bank(path)

    assert len(bank.questions) == 3


def test_filter_by_topic(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    modi = bank.filter(topics="modi")

    assert {question.topic for question in modi.questions} == {"modi"}
    assert [topic.id for topic in modi.topics] == ["modi"]


def test_filter_by_notebook_number(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    selected = bank.filter(notebook="03")

    assert {question.link.notebook for question in selected.questions} == {NOTEBOOK_03}


def test_filter_unknown_topic(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    with pytest.raises(ValueError, match="Onbekend onderwerp 'nergens'.*opslaan"):
        bank.filter(topics=["nergens"])


def test_filter_unknown_notebook(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    with pytest.raises(ValueError, match="Geen vragen over notebook '09'"):
        bank.filter(notebook="09")


def test_by_id_unknown(tmp_path):
    bank = load_bank(write_bank(tmp_path))

    with pytest.raises(KeyError):
        bank.by_id("opslaan-bestaat-niet")


def test_course_order_of_topics(tmp_path):
    for name in ("workflow", "model", "opslaan"):
        data = topic_data("modi")
        data["topic"] = name
        for question in data["questions"]:
            question["id"] = question["id"].replace("modi-", f"{name}-")
        write_topic(tmp_path, data)

    bank = load_bank(tmp_path)

    assert [topic.id for topic in bank.topics] == ["model", "opslaan", "workflow"]


# --------------------------------------------------------------------------- invalid banks


def load_error(tmp_path: Path, data) -> BankError:
    path = tmp_path / "opslaan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load_bank(path)
    return caught.value


def with_change(question_index: int, field: str, value) -> dict:
    data = topic_data("opslaan")
    data["questions"][question_index][field] = value
    return data


INVALID_CASES = [
    # (question index, field, bad value, expected question id, expected field, text in message)
    (0, "answer", 3, "opslaan-inhoud", "answer", "0 tot en met 2"),
    (0, "answer", "0", "opslaan-inhoud", "answer", "index"),
    (0, "options", ["enige optie"], "opslaan-inhoud", "options", "2 tot 6"),
    (0, "options", ["a", "a", "b"], "opslaan-inhoud", "options", "dezelfde tekst"),
    (0, "options", ["ja", True, "nee"], "opslaan-inhoud", "options", "quotes"),
    (0, "type", "keuze", "opslaan-inhoud", "type", "onbekend vraagtype"),
    (0, "prompt", "", "opslaan-inhoud", "prompt", "leeg"),
    (0, "prompt", 12, "opslaan-inhoud", "prompt", "moet tekst zijn"),
    (0, "exam", "ja", "opslaan-inhoud", "exam", "true of false"),
    (0, "link", "02_opslaan_en_laden.ipynb", "opslaan-inhoud", "link", "mapping"),
    (0, "steps", ["a", "b", "c"], "opslaan-inhoud", "steps", "hoort niet bij vraagtype"),
    (0, "explanaton", "typo", "opslaan-inhoud", "explanaton", "Bedoel je 'explanation'"),
    (0, "computed", "bestaat_niet", "opslaan-inhoud", "computed", "onbekende berekening"),
    (1, "answer", [], "opslaan-buffers", "answer", "niet-lege lijst"),
    (1, "answer", [1, 1], "opslaan-buffers", "answer", "meer dan één keer"),
    (1, "answer", [1, 9], "opslaan-buffers", "answer", "geen geldige optie-index"),
    (2, "answer", "ja", "opslaan-pickle", "answer", "true of false"),
    (2, "options", ["Waar", "Niet waar"], "opslaan-pickle", "options", "hoort niet bij"),
    (3, "answer", "1024", "opslaan-aantal", "answer", "getal"),
    (3, "tolerance", -1, "opslaan-aantal", "tolerance", "0 of meer"),
    (4, "key_points", ["maar één"], "opslaan-portability", "key_points", "2 tot 6"),
    (4, "model_answer", None, "opslaan-portability", "model_answer", "ontbreekt"),
]


@pytest.mark.parametrize(
    ("index", "field", "value", "question_id", "error_field", "text"), INVALID_CASES
)
def test_invalid_field(tmp_path, index, field, value, question_id, error_field, text):
    error = load_error(tmp_path, with_change(index, field, value))

    assert error.question_id == question_id
    assert error.field == error_field
    assert text in str(error)
    assert "opslaan.yaml" in str(error)


def test_missing_answer(tmp_path):
    data = topic_data("opslaan")
    del data["questions"][0]["answer"]

    error = load_error(tmp_path, data)

    assert (error.question_id, error.field) == ("opslaan-inhoud", "answer")


def test_computed_with_answer(tmp_path):
    data = with_change(3, "computed", "head_in_features")

    error = load_error(tmp_path, data)

    assert (error.question_id, error.field) == ("opslaan-aantal", "answer")


def test_computed_wrong_type(tmp_path):
    data = topic_data("opslaan")
    question = data["questions"][3]
    del question["answer"]
    question["computed"] = "head_weight_shape"

    error = load_error(tmp_path, data)

    assert error.field == "computed"
    assert "single" in str(error)


def test_computed_question_valid(tmp_path):
    data = topic_data("opslaan")
    question = data["questions"][3]
    del question["answer"]
    question["computed"] = "head_in_features"
    write_topic(tmp_path, data)

    bank = load_bank(tmp_path)

    assert bank.by_id("opslaan-aantal").computed == "head_in_features"
    assert bank.by_id("opslaan-aantal").answer is None


def test_id_without_topic_prefix(tmp_path):
    error = load_error(tmp_path, with_change(0, "id", "modi-inhoud"))

    assert error.field == "id"
    assert "'opslaan-'" in str(error)


def test_id_missing(tmp_path):
    data = topic_data("opslaan")
    del data["questions"][1]["id"]

    error = load_error(tmp_path, data)

    assert error.field == "id"
    assert error.question_id.startswith("nr. 2")


def test_topic_must_match_file_name(tmp_path):
    data = topic_data("modi")
    path = write_topic(tmp_path, data, name="opslaan")

    with pytest.raises(BankError) as caught:
        load_bank(path)

    assert caught.value.field == "topic"


def test_duplicate_id_across_files(tmp_path):
    write_topic(tmp_path, topic_data("opslaan"))
    copied = topic_data("opslaan")
    copied["topic"] = "model"
    copied["questions"] = copied["questions"][:1]
    write_topic(tmp_path, copied)

    with pytest.raises(BankError) as caught:
        load_bank(tmp_path)

    assert caught.value.question_id == "opslaan-inhoud"
    assert caught.value.field == "id"


def test_several_errors_reported(tmp_path):
    data = topic_data("opslaan")
    data["questions"][0]["answer"] = 7
    data["questions"][2]["answer"] = "ja"

    error = load_error(tmp_path, data)

    assert len(error.errors) == 2
    assert "2 fouten" in str(error)
    assert "opslaan-pickle" in str(error)


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "opslaan.yaml"
    path.write_text("topic: opslaan\ntitle: [niet gesloten\nquestions: []\n", encoding="utf-8")

    with pytest.raises(BankError) as caught:
        load_bank(path)

    assert "regel" in str(caught.value)
    assert caught.value.file == str(path)


def test_yaml_duplicate_key(tmp_path):
    path = tmp_path / "opslaan.yaml"
    path.write_text("topic: opslaan\ntopic: modi\ntitle: t\nquestions: []\n", encoding="utf-8")

    with pytest.raises(BankError, match="twee keer"):
        load_bank(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "opslaan.yaml"
    path.write_bytes("topic: opslaan\ntitle: caf\u00e9\n".encode("latin-1"))

    with pytest.raises(BankError, match="UTF-8"):
        load_bank(path)


def test_empty_folder(tmp_path):
    with pytest.raises(BankError, match=r"geen vragenbestanden"):
        load_bank(tmp_path)


def test_missing_path(tmp_path):
    with pytest.raises(BankError, match="bestaat niet"):
        load_bank(tmp_path / "weg.yaml")


# --------------------------------------------------------------------------- links


def test_links_valid(tmp_path):
    notebooks = write_notebooks(tmp_path / "notebooks")

    bank = load_bank(write_bank(tmp_path / "bank"), check_links=True, notebooks_dir=notebooks)

    assert len(bank.questions) == 8


def test_link_heading_missing(tmp_path):
    notebooks = tmp_path / "notebooks"
    write_notebook(notebooks, NOTEBOOK_02, ["Wat zit er in een state_dict?"])
    write_notebook(notebooks, NOTEBOOK_03, ["Wat gebeurt er als je model.eval() vergat?"])

    with pytest.raises(BankError) as caught:
        load_bank(write_bank(tmp_path / "bank"), check_links=True, notebooks_dir=notebooks)

    assert caught.value.field == "link.heading"
    assert caught.value.question_id == "modi-dropout-output"
    assert "Bedoel je" in str(caught.value)


def test_link_notebook_missing(tmp_path):
    notebooks = tmp_path / "notebooks"
    write_notebook(notebooks, NOTEBOOK_03, [HEADING_EVAL])

    with pytest.raises(BankError) as caught:
        load_bank(write_bank(tmp_path / "bank"), check_links=True, notebooks_dir=notebooks)

    assert caught.value.field == "link.notebook"
    assert caught.value.question_id == "opslaan-inhoud"


def test_heading_inside_code_fence_ignored(tmp_path):
    notebooks = tmp_path / "notebooks"
    write_notebook(notebooks, NOTEBOOK_02, ["Wat zit er in een state_dict?"])
    fenced = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": f"```\n## {HEADING_EVAL}\n```"}
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (notebooks / NOTEBOOK_03).write_text(json.dumps(fenced), encoding="utf-8")

    with pytest.raises(BankError) as caught:
        load_bank(write_bank(tmp_path / "bank"), check_links=True, notebooks_dir=notebooks)

    assert caught.value.field == "link.heading"


# --------------------------------------------------------------------------- real bank


def test_real_bank_loads():
    if not list(QUESTIONS_DIR.glob("*.yaml")):
        pytest.skip("quiz/questions/ has no YAML files yet")

    bank = load_bank()

    assert len(bank.questions) > 0


def test_real_bank_links():
    notebooks = sorted({question.link.notebook for question in load_bank().questions})
    missing = [name for name in notebooks if not (NOTEBOOKS_DIR / name).exists()]
    if missing:
        pytest.skip(f"notebooks not written yet: {', '.join(missing)}")

    bank = load_bank(check_links=True)

    assert len(bank.questions) > 0


# --------------------------------------------------------------------------- property tests

VALID_ID = "opslaan-vraag"
LINK = {"notebook": NOTEBOOK_02, "heading": "Samenvatting"}
BASES = {
    "single": {
        "id": VALID_ID,
        "type": "single",
        "prompt": "Vraag?",
        "options": ["a", "b", "c"],
        "answer": 1,
        "explanation": "Uitleg.",
        "link": LINK,
    },
    "number": {
        "id": VALID_ID,
        "type": "number",
        "prompt": "Hoeveel?",
        "answer": 576,
        "tolerance": 1,
        "explanation": "Uitleg.",
        "link": LINK,
    },
    "order": {
        "id": VALID_ID,
        "type": "order",
        "prompt": "Volgorde?",
        "steps": ["een", "twee", "drie"],
        "explanation": "Uitleg.",
        "link": LINK,
    },
    "open": {
        "id": VALID_ID,
        "type": "open",
        "prompt": "Waarom?",
        "model_answer": "Daarom.",
        "key_points": ["punt een", "punt twee"],
        "explanation": "Uitleg.",
        "link": LINK,
    },
}
REQUIRED = {
    "single": ("type", "prompt", "explanation", "link", "options", "answer"),
    "number": ("type", "prompt", "explanation", "link", "answer"),
    "order": ("type", "prompt", "explanation", "link", "steps"),
    "open": ("type", "prompt", "explanation", "link", "model_answer", "key_points"),
}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
not_text = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=4), scalars, max_size=2),
)
blank_text = st.sampled_from(["", " ", "\n", "\t "])
bad_text = st.one_of(not_text, blank_text)
good_text = st.text(alphabet=string.ascii_letters + " .", min_size=1, max_size=12).filter(
    lambda text: text.strip()
)
not_list = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))


def bad_text_list(low: int, high: int):
    """Lists that break the rule "low..high distinct non-empty strings"."""
    return st.one_of(
        not_list,
        st.lists(good_text, max_size=low - 1),
        st.lists(good_text, min_size=high + 1, max_size=high + 3),
        st.lists(good_text, min_size=low, max_size=high).map(lambda items: items + [items[0]]),
        st.tuples(st.lists(good_text, min_size=low - 1, max_size=high - 1), bad_text).map(
            lambda pair: pair[0] + [pair[1]]
        ),
    )


BAD_VALUES = {
    "type": st.one_of(not_text, st.text(max_size=10).filter(lambda t: t not in QUESTION_TYPES)),
    "prompt": bad_text,
    "explanation": bad_text,
    "model_answer": bad_text,
    "exam": st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.booleans())),
    "link": st.one_of(
        not_text.filter(lambda value: not isinstance(value, dict)),
        st.fixed_dictionaries({"notebook": bad_text, "heading": good_text}),
        st.fixed_dictionaries({"notebook": st.just(NOTEBOOK_02), "heading": bad_text}),
        st.fixed_dictionaries({"notebook": good_text, "heading": good_text}),
    ),
    "options": bad_text_list(2, 6),
    "steps": bad_text_list(3, 6),
    "key_points": bad_text_list(2, 6),
    "tolerance": st.one_of(
        st.none(), st.booleans(), st.text(max_size=5), st.integers(max_value=-1), st.lists(scalars)
    ),
    "computed": st.one_of(not_text, st.text(max_size=10)),
}
ANSWER_VALUES = {
    "single": st.one_of(
        st.none(),
        st.booleans(),
        st.floats(),
        st.text(max_size=5),
        st.lists(st.integers()),
        st.integers().filter(lambda value: not 0 <= value < 3),
    ),
    "number": st.one_of(
        st.none(), st.booleans(), st.text(max_size=5), st.lists(scalars), st.just(float("inf"))
    ),
}
# Fields that make any question invalid, whatever its type.
GENERIC_FIELDS = ("type", "prompt", "explanation", "link", "exam", "computed")
TYPE_FIELDS = {
    "single": ("options", "answer"),
    "number": ("answer", "tolerance"),
    "order": ("steps",),
    "open": ("model_answer", "key_points"),
}
unknown_names = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True).filter(
    lambda name: name not in ALL_FIELDS
)


@st.composite
def malformed_entries(draw):
    """Return (entry, question id in the error, field in the error) for one broken question.

    The id is None when the id itself is broken: the test then reads it back from the file,
    because YAML may write an odd string (a lone line separator, say) differently.
    """
    kind = draw(st.sampled_from(sorted(BASES)))
    entry = {key: value for key, value in BASES[kind].items()}
    action = draw(st.sampled_from(["bad value", "missing", "unknown field", "bad id"]))
    if action == "missing":
        field = draw(st.sampled_from(REQUIRED[kind]))
        del entry[field]
        return entry, VALID_ID, field
    if action == "unknown field":
        field = draw(unknown_names)
        entry[field] = draw(scalars)
        return entry, VALID_ID, field
    if action == "bad id":
        bad_id = draw(
            st.one_of(
                st.text(max_size=12).filter(lambda text: not text.startswith("opslaan-")),
                st.integers(),
                st.just("opslaan-Hoofdletter"),
                st.just("opslaan--dubbel"),
            )
        )
        entry["id"] = bad_id
        return entry, None, "id"
    field = draw(st.sampled_from(GENERIC_FIELDS + TYPE_FIELDS[kind]))
    strategy = ANSWER_VALUES[kind] if field == "answer" else BAD_VALUES[field]
    entry[field] = draw(strategy)
    return entry, VALID_ID, field


def write_entry(folder: Path, entry: dict) -> Path:
    data = {"topic": "opslaan", "title": "Opslaan en laden", "questions": [entry]}
    path = folder / "opslaan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def id_in_file(path: Path) -> str:
    """Return the label the loader uses for the question: its id, or its number without one."""
    written = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"][0].get("id")
    return written if isinstance(written, str) and written.strip() else "nr. 1"


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(malformed_entries())
def test_malformed_entry_named(case):
    entry, question_id, field = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_entry(Path(folder), entry)
        question_id = question_id or id_in_file(path)
        with pytest.raises(BankError) as caught:
            load_bank(path)

    error = caught.value
    assert error.question_id.startswith(question_id), str(error)
    assert error.field.split(".")[0] == field, str(error)
    assert error.question_id in str(error)
    assert f"'{error.field}'" in str(error)


@settings(max_examples=150, deadline=None, database=None)
@given(st.text(max_size=200))
def test_random_yaml_text_bank_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "opslaan.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(BankError) as caught:
            load_bank(path)

    assert caught.value.file == str(path)


def test_heading_anchor_jupyterlab_style():
    from quiz.links import notebook_url

    url = notebook_url(NOTEBOOK_02, "Wat zit er in een state_dict?")

    assert url == "02_opslaan_en_laden.ipynb#Wat-zit-er-in-een-state_dict%3F"
