"""Small question banks and notebooks for the quiz tests, written to a temporary folder.

The banks cover every question type across two topics. They do not depend on the real bank in
quiz/questions/, which instructors may change at any time.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

NOTEBOOK_02 = "02_opslaan_en_laden.ipynb"
NOTEBOOK_03 = "03_train_en_eval.ipynb"
HEADING_STATE_DICT = "Wat zit er in een state_dict?"
HEADING_EVAL = "Wat gebeurt er als je model.eval() vergeet?"

OPSLAAN = {
    "topic": "opslaan",
    "title": "Opslaan en laden",
    "questions": [
        {
            "id": "opslaan-inhoud",
            "type": "single",
            "prompt": "Wat bewaart `state_dict()`?",
            "options": ["Tensors per naam", "Het hele model", "De optimizer"],
            "answer": 0,
            "explanation": "Een state_dict koppelt namen aan tensors.",
            "link": {"notebook": NOTEBOOK_02, "heading": HEADING_STATE_DICT},
        },
        {
            "id": "opslaan-buffers",
            "type": "multiple",
            "prompt": "Welke namen zijn buffers?",
            "options": ["weight", "running_mean", "running_var", "bias"],
            "answer": [1, 2],
            "explanation": "running_mean en running_var zijn buffers.",
            "link": {"notebook": NOTEBOOK_02, "heading": HEADING_STATE_DICT},
        },
        {
            "id": "opslaan-pickle",
            "type": "truefalse",
            "prompt": "Een volledig model opslaan gebruikt pickle.",
            "answer": True,
            "explanation": "torch.save van een model pickelt de klasse.",
            "link": {"notebook": NOTEBOOK_02, "heading": HEADING_STATE_DICT},
        },
        {
            "id": "opslaan-aantal",
            "type": "number",
            "prompt": "Hoeveel features gaan de head in?",
            "answer": 1024,
            "tolerance": 0,
            "explanation": "classifier[3] heeft 1024 in_features.",
            "link": {"notebook": NOTEBOOK_02, "heading": HEADING_STATE_DICT},
        },
        {
            "id": "opslaan-portability",
            "type": "open",
            "prompt": "Waarom is `state_dict()` vaak beter voor portability?",
            "model_answer": "Het bevat alleen tensors, geen code.",
            "key_points": ["alleen tensors", "geen pickle van klassen", "ander apparaat"],
            "explanation": "Zie het notebook over opslaan.",
            "link": {"notebook": NOTEBOOK_02, "heading": HEADING_STATE_DICT},
            "exam": True,
        },
    ],
}

MODI = {
    "topic": "modi",
    "title": "train() en eval()",
    "questions": [
        {
            "id": "modi-dropout-output",
            "type": "code_output",
            "prompt": "Wat print deze code?",
            "code": "model.eval()\nprint(model.training)",
            "options": ["True", "False"],
            "answer": 1,
            "explanation": "eval() zet training op False.",
            "link": {"notebook": NOTEBOOK_03, "heading": HEADING_EVAL},
        },
        {
            "id": "modi-volgorde",
            "type": "order",
            "prompt": "Zet de stappen van inference in volgorde.",
            "steps": ["model laden", "model.eval()", "torch.no_grad()", "voorspellen"],
            "explanation": "Eerst laden, dan de modus, dan zonder gradiënten voorspellen.",
            "link": {"notebook": NOTEBOOK_03, "heading": HEADING_EVAL},
        },
        {
            "id": "modi-vergeten",
            "type": "single",
            "prompt": "Wat gebeurt er als je `model.eval()` vergeet?",
            "options": ["Dropout blijft aan", "Niets", "Het model crasht"],
            "answer": 0,
            "explanation": "Dropout en batchnorm blijven in trainingsmodus.",
            "link": {"notebook": NOTEBOOK_03, "heading": HEADING_EVAL},
        },
    ],
}

TOPICS = {"opslaan": OPSLAAN, "modi": MODI}


def topic_data(name: str) -> dict:
    """Return a deep copy of a sample topic that a test may change freely."""
    return copy.deepcopy(TOPICS[name])


def write_topic(folder: Path, data: dict, name: str | None = None) -> Path:
    """Write one topic as YAML to `folder`/<name or topic>.yaml and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['topic']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_bank(folder: Path) -> Path:
    """Write both sample topics to `folder` and return the folder."""
    for name in TOPICS:
        write_topic(folder, topic_data(name))
    return folder


def write_notebook(folder: Path, name: str, headings: list[str]) -> Path:
    """Write a minimal notebook whose markdown cells contain `headings` as `##` headings."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": [f"## {heading}\n", "\n", "Tekst."]}
        for heading in headings
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / name
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def write_notebooks(folder: Path) -> Path:
    """Write notebooks 02 and 03 with the headings that the sample bank links to."""
    write_notebook(folder, NOTEBOOK_02, ["Leerdoelen", HEADING_STATE_DICT])
    write_notebook(folder, NOTEBOOK_03, ["Leerdoelen", HEADING_EVAL])
    return folder
