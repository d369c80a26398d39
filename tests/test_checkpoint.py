"""Tests for save_model, load_model and read_checkpoint: round trips and every bad input."""

import inspect
import pickle
import zipfile
from pathlib import Path

import pytest
import torch

from model_utils import (
    ARCHITECTURE,
    CheckpointError,
    create_model,
    load_model,
    load_training_checkpoint,
    read_checkpoint,
    save_model,
    save_training_checkpoint,
)

CLASS_NAMES = ["Apple", "Banana", "Milk"]


@pytest.fixture
def saved(model, tmp_path) -> Path:
    """Save the `model` fixture with class names and return the checkpoint path."""
    return save_model(model, tmp_path / "model.pth", class_names=CLASS_NAMES)


def load_error(path, num_classes=3, **kwargs) -> str:
    """Return the message of the CheckpointError that load_model raises for `path`."""
    with pytest.raises(CheckpointError) as caught:
        load_model(num_classes, path, **kwargs)
    return str(caught.value)


# --- The seed signatures --------------------------------------------------------------------


def test_save_model_signature():
    parameters = inspect.signature(save_model).parameters
    assert parameters["path"].default == "model.pth"


def test_load_model_signature():
    parameters = list(inspect.signature(load_model).parameters.values())
    assert [parameters[0].name, parameters[1].name] == ["num_classes", "path"]


def test_load_model_default_path():
    assert inspect.signature(load_model).parameters["path"].default == "model.pth"


def test_save_model_default_path(model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_model(model)
    assert (tmp_path / "model.pth").is_file()


def test_load_model_default_path_round_trip(model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_model(model)
    loaded = load_model(3)
    assert torch.equal(loaded.classifier[3].weight, model.classifier[3].weight)


def test_save_model_positional_path(model, tmp_path):
    path = save_model(model, tmp_path / "positional.pth")
    assert path == tmp_path / "positional.pth"


# --- Round trip -----------------------------------------------------------------------------


def test_round_trip_outputs_equal(model, saved, images):
    model.eval()
    loaded = load_model(3, saved)
    with torch.no_grad():
        assert torch.equal(loaded(images), model(images))


def test_round_trip_state_dict_equal(model, saved):
    loaded = load_model(3, saved).state_dict()
    assert all(torch.equal(loaded[key], value) for key, value in model.state_dict().items())


def test_load_model_eval_mode(saved):
    assert load_model(3, saved).training is False


def test_load_model_all_layers_eval(saved):
    assert not any(module.training for module in load_model(3, saved).modules())


def test_load_model_class_names(saved):
    assert load_model(3, saved).class_names == CLASS_NAMES


def test_load_model_str_path(saved):
    assert load_model(3, str(saved)).classifier[3].out_features == 3


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("num_classes", 3),
        ("class_names", CLASS_NAMES),
        ("architecture", ARCHITECTURE),
        ("format", "model_utils/1"),
    ],
)
def test_metadata_stored(saved, key, expected):
    payload = torch.load(saved, weights_only=True)
    assert payload[key] == expected


def test_metadata_extra_stored(model, tmp_path):
    path = save_model(model, tmp_path / "m.pth", metadata={"epochs": 2, "lr": 0.01})
    assert read_checkpoint(path).metadata == {"epochs": 2, "lr": 0.01}


def test_class_names_default_none(model, tmp_path):
    path = save_model(model, tmp_path / "m.pth")
    assert load_model(3, path).class_names is None


def test_class_names_wrong_count(model, tmp_path):
    with pytest.raises(CheckpointError, match="2 namen"):
        save_model(model, tmp_path / "m.pth", class_names=["a", "b"])


def test_bare_state_dict_loads(model, tmp_path):
    path = tmp_path / "bare.pth"
    torch.save(model.state_dict(), path)
    loaded = load_model(3, path)
    assert torch.equal(loaded.features[0][0].weight, model.features[0][0].weight)


def test_tutorial_format_loads(model, tmp_path):
    path = tmp_path / "tutorial.pth"
    torch.save({"epoch": 3, "model_state_dict": model.state_dict()}, path)
    loaded = load_model(3, path)
    assert torch.equal(loaded.classifier[3].bias, model.classifier[3].bias)


def test_map_location_meta(saved):
    loaded = load_model(3, saved, map_location="meta")
    assert {parameter.device.type for parameter in loaded.parameters()} == {"meta"}


def test_map_location_meta_buffers(saved):
    loaded = load_model(3, saved, map_location="meta")
    assert {buffer.device.type for buffer in loaded.buffers()} == {"meta"}


def test_map_location_cpu_device(saved):
    loaded = load_model(3, saved, map_location=torch.device("cpu"))
    assert {parameter.device.type for parameter in loaded.parameters()} == {"cpu"}


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_map_location_cuda_without_gpu(saved):
    with pytest.raises(ValueError) as caught:
        load_model(3, saved, map_location="cuda")
    assert "map_location='cpu'" in str(caught.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_map_location_cuda_not_called_damaged(saved):
    with pytest.raises(ValueError) as caught:
        load_model(3, saved, map_location="cuda")
    assert "beschadigd" not in str(caught.value)


def test_map_location_unknown_device(saved):
    with pytest.raises(ValueError, match="'gpu'"):
        load_model(3, saved, map_location="gpu")


def test_read_checkpoint_num_classes(saved):
    assert read_checkpoint(saved).num_classes == 3


def test_read_checkpoint_architecture(saved):
    assert read_checkpoint(saved).architecture == ARCHITECTURE


def test_save_model_creates_parent_folders(model, tmp_path):
    path = save_model(model, tmp_path / "runs" / "today" / "model.pth")
    assert path.is_file()


def test_read_checkpoint_bare_num_classes(model, tmp_path):
    path = tmp_path / "bare.pth"
    torch.save(model.state_dict(), path)
    assert read_checkpoint(path).num_classes == 3


# --- Training checkpoints -------------------------------------------------------------------


def test_training_checkpoint_optimizer_restored(model, tmp_path, images):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model(images).sum().backward()
    optimizer.step()
    path = save_training_checkpoint(tmp_path / "train.pth", model, optimizer, epoch=4)
    fresh = create_model(3, pretrained=False)
    fresh_optimizer = torch.optim.Adam(fresh.parameters(), lr=0.5)
    load_training_checkpoint(path, fresh, fresh_optimizer)
    assert fresh_optimizer.param_groups[0]["lr"] == 0.01


def test_training_checkpoint_epoch(model, tmp_path):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    path = save_training_checkpoint(tmp_path / "train.pth", model, optimizer, epoch=4)
    checkpoint = load_training_checkpoint(path, create_model(3, pretrained=False))
    assert checkpoint.raw["epoch"] == 4


def test_training_checkpoint_weights(model, tmp_path):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    path = save_training_checkpoint(tmp_path / "train.pth", model, optimizer, epoch=0)
    fresh = create_model(3, pretrained=False)
    load_training_checkpoint(path, fresh)
    assert torch.equal(fresh.classifier[3].weight, model.classifier[3].weight)


def test_training_checkpoint_loads_with_load_model(model, tmp_path):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    path = save_training_checkpoint(tmp_path / "train.pth", model, optimizer, epoch=0)
    assert load_model(3, path).classifier[3].out_features == 3


def test_training_checkpoint_wrapped_model(model, tmp_path):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    path = save_training_checkpoint(tmp_path / "train.pth", model, optimizer, epoch=0)
    fresh = create_model(3, pretrained=False)
    load_training_checkpoint(path, torch.nn.DataParallel(fresh))
    assert torch.equal(fresh.classifier[3].weight, model.classifier[3].weight)


def test_training_checkpoint_missing_optimizer(saved):
    fresh = create_model(3, pretrained=False)
    optimizer = torch.optim.SGD(fresh.parameters(), lr=0.1)
    with pytest.raises(CheckpointError, match="optimizer"):
        load_training_checkpoint(saved, fresh, optimizer)


# --- Bad input: every case names the file and the cause -------------------------------------


@pytest.fixture
def missing(tmp_path) -> Path:
    return tmp_path / "missing.pth"


@pytest.fixture
def empty(tmp_path) -> Path:
    path = tmp_path / "empty.pth"
    path.touch()
    return path


@pytest.fixture
def truncated(saved) -> Path:
    data = saved.read_bytes()
    path = saved.with_name("truncated.pth")
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture
def pickled_list(tmp_path) -> Path:
    path = tmp_path / "list.pth"
    torch.save([1, 2], path)
    return path


@pytest.fixture
def whole_model(model, tmp_path) -> Path:
    path = tmp_path / "whole.pth"
    torch.save(model, path)
    return path


@pytest.fixture
def other_classes(tmp_path) -> Path:
    return save_model(create_model(7, pretrained=False), tmp_path / "seven.pth")


@pytest.fixture
def other_classes_bare(tmp_path) -> Path:
    path = tmp_path / "seven-bare.pth"
    torch.save(create_model(7, pretrained=False).state_dict(), path)
    return path


@pytest.fixture
def resnet_state_dict(resnet_checkpoint) -> Path:
    return resnet_checkpoint


@pytest.fixture
def resnet_architecture(saved) -> Path:
    payload = torch.load(saved, weights_only=True)
    payload["architecture"] = "resnet18"
    path = saved.with_name("resnet-architecture.pth")
    torch.save(payload, path)
    return path


BAD_FILES = [
    ("missing", "bestaat niet"),
    ("empty", "leeg"),
    ("truncated", "beschadigd of onvolledig"),
    ("pickled_list", "geen checkpoint van een model"),
    ("whole_model", "volledig gepickeld model"),
    ("other_classes", "gemaakt voor 7 klassen"),
    ("other_classes_bare", "gemaakt voor 7 klassen"),
    ("resnet_state_dict", "passen niet in het model"),
    ("resnet_architecture", "'resnet18'"),
]


@pytest.mark.parametrize(("fixture", "cause"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_bad_file_names_cause(request, fixture, cause):
    path = request.getfixturevalue(fixture)
    assert cause in load_error(path)


@pytest.mark.parametrize(("fixture", "cause"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_bad_file_names_path(request, fixture, cause):
    path = request.getfixturevalue(fixture)
    assert str(path) in load_error(path)


@pytest.mark.parametrize(
    "text",
    ["hello world\n" * 10, "epoch,loss\n1,0.5\n", '{"weights": [1, 2]}', "#!/bin/sh\necho hi\n"],
    ids=["words", "csv", "json", "script"],
)
def test_text_file_not_checkpoint(tmp_path, text):
    path = tmp_path / "notes.pth"
    path.write_text(text)
    assert "geen PyTorch-checkpoint" in load_error(path)


def test_random_bytes_not_checkpoint(tmp_path):
    path = tmp_path / "noise.pth"
    path.write_bytes(bytes(range(7, 250, 3)) * 5)
    assert str(path) in load_error(path)


def test_other_classes_names_requested(other_classes):
    assert "model met 3 klassen" in load_error(other_classes)


def test_resnet_lists_unexpected_keys(resnet_state_dict):
    assert "conv1.weight" in load_error(resnet_state_dict)


def test_unreadable_file(saved, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(saved))

    monkeypatch.setattr(torch, "load", denied)
    assert "kan niet gelezen worden" in load_error(saved)


def test_checkpoint_error_is_value_error():
    assert issubclass(CheckpointError, ValueError)


def test_plain_pickle_not_pytorch(tmp_path):
    """pickle.dump output lacks torch's header, so it is reported as no PyTorch file."""
    path = tmp_path / "plain.pkl"
    path.write_bytes(pickle.dumps([1, 2, 3], protocol=2))
    assert "geen PyTorch-bestand" in load_error(path)


def test_save_model_expands_home(model, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    path = save_model(model, "~/modellen/model.pth")
    assert path == tmp_path / "modellen" / "model.pth"
    assert path.is_file()


def test_load_model_expands_home(model, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    save_model(model, tmp_path / "model.pth")
    loaded = load_model(3, "~/model.pth")
    assert not loaded.training


def test_whole_model_names_top_class(model, tmp_path):
    path = tmp_path / "whole.pth"
    torch.save(model, path)
    with pytest.raises(CheckpointError, match=r"\(torchvision\.models\.mobilenetv3\.MobileNetV3\)"):
        read_checkpoint(path)


def test_unwritable_folder_dutch_error(model, tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    with pytest.raises(CheckpointError, match="Kan het checkpoint .* niet schrijven"):
        save_model(model, blocker / "model.pth")


def gpu_saved_checkpoint(tmp_path: Path) -> Path:
    """Write a checkpoint whose storages claim to live on cuda:0, as a GPU machine saves them."""
    source, target = tmp_path / "cpu.pth", tmp_path / "gpu.pth"
    torch.save({"weight": torch.ones(2)}, source)
    with zipfile.ZipFile(source) as archive_in, zipfile.ZipFile(target, "w") as archive_out:
        for item in archive_in.infolist():
            data = archive_in.read(item.filename)
            if item.filename.endswith("data.pkl"):
                # Pickle opcode BINUNICODE: "X", 4-byte length, then the location string.
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            archive_out.writestr(item, data)
    return target


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine can load CUDA tensors")
def test_gpu_checkpoint_without_map_location(tmp_path):
    path = gpu_saved_checkpoint(tmp_path)
    with pytest.raises(CheckpointError, match="op een GPU bewaard.*map_location='cpu'"):
        read_checkpoint(path, map_location=None)


def test_gpu_checkpoint_default_loads_on_cpu(tmp_path):
    path = gpu_saved_checkpoint(tmp_path)
    checkpoint = read_checkpoint(path)
    assert checkpoint.state_dict["weight"].device.type == "cpu"
