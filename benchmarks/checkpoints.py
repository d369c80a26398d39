"""Checkpoint sizes and load times: save_model (state_dict) versus torch.save(model)."""

import tempfile
from pathlib import Path

import torch
from timing import Series, timed

from model_utils import create_model, load_model, save_model


def measure_checkpoints(num_classes: int, runs: int) -> dict:
    """Save one model both ways and time saving and loading each file `runs` times.

    torch.load of the whole model needs weights_only=False, which runs pickle code from the
    file. That is safe here only because this function wrote the file itself.
    """
    model = create_model(num_classes)
    with tempfile.TemporaryDirectory(prefix="bench-checkpoint-") as scratch:
        state_path = Path(scratch) / "model.pth"
        whole_path = Path(scratch) / "whole_model.pth"
        save = [timed(save_model, model, state_path)[0] for _ in range(runs)]
        torch.save(model, whole_path)
        load = [timed(load_model, num_classes, state_path)[0] for _ in range(runs)]
        load_whole = [timed(torch.load, whole_path, weights_only=False)[0] for _ in range(runs)]
        return {
            "num_classes": num_classes,
            "state_dict_bytes": state_path.stat().st_size,
            "whole_model_bytes": whole_path.stat().st_size,
            "save_model": Series.of(save),
            "load_model": Series.of(load),
            "torch.load(whole model)": Series.of(load_whole),
        }
