"""Hard cases for model_utils, grouped by case; each test's docstring states the expected result."""

import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import model_utils.checkpoint as checkpoint_module
from model_utils import (
    CheckpointError,
    WeightsFileError,
    create_model,
    evaluate,
    freeze,
    freeze_backbone,
    load_model,
    predict,
    read_checkpoint,
    save_model,
    set_frozen_batchnorm_eval,
    train_one_epoch,
    trainable_parameters,
    unfreeze_last_blocks,
    weights_file,
)
from model_utils.weights import DOWNLOAD_COMMAND, OFFLINE_ENV


def batchnorm_layers(module: nn.Module) -> list[nn.Module]:
    return [layer for layer in module.modules() if isinstance(layer, nn.BatchNorm2d)]


def snapshot(module: nn.Module) -> dict[str, torch.Tensor]:
    return {key: value.detach().clone() for key, value in module.state_dict().items()}


def identical(before: dict[str, torch.Tensor], module: nn.Module) -> bool:
    after = module.state_dict()
    return all(torch.equal(after[key], value) for key, value in before.items())


def record_modes(model: nn.Module) -> list[list[bool]]:
    """Record the `training` flag of every layer at each forward pass of `model`."""
    seen: list[list[bool]] = []
    model.register_forward_pre_hook(
        lambda module, inputs: seen.append([layer.training for layer in module.modules()])
    )
    return seen


# --- Case 1: wrapper prefixes ---------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["module.", "_orig_mod.", "module._orig_mod."])
def test_prefixed_state_dict_loads(model, tmp_path, prefix):
    """A state_dict whose keys all start with a wrapper prefix loads: equal head weights."""
    path = tmp_path / "wrapped.pth"
    torch.save({f"{prefix}{key}": value for key, value in model.state_dict().items()}, path)
    loaded = load_model(3, path)
    assert torch.equal(loaded.classifier[3].weight, model.classifier[3].weight)


def test_prefixed_state_dict_notice(model, tmp_path, capsys):
    """Loading a `module.` state_dict prints one 'Let op:' line that names the prefix."""
    path = tmp_path / "wrapped.pth"
    torch.save({f"module.{key}": value for key, value in model.state_dict().items()}, path)
    load_model(3, path)
    assert "'module.'" in capsys.readouterr().out


def test_partial_prefix_rejected(model, tmp_path):
    """A prefix on only the features.* keys is a CheckpointError, never a guess."""
    path = tmp_path / "mixed.pth"
    state_dict = {
        (f"module.{key}" if key.startswith("features.") else key): value
        for key, value in model.state_dict().items()
    }
    torch.save(state_dict, path)
    with pytest.raises(CheckpointError, match="prefix"):
        load_model(3, path)


def test_save_data_parallel_plain_keys(model, tmp_path):
    """save_model(nn.DataParallel(model)) stores exactly the keys of the plain model."""
    path = save_model(nn.DataParallel(model), tmp_path / "dp.pth")
    stored = torch.load(path, weights_only=True)["state_dict"]
    assert list(stored) == list(model.state_dict())


def test_save_compiled_plain_keys(model, tmp_path):
    """save_model(torch.compile(model)) stores keys without the `_orig_mod.` prefix."""
    path = save_model(torch.compile(model), tmp_path / "compiled.pth")
    stored = torch.load(path, weights_only=True)["state_dict"]
    assert list(stored) == list(model.state_dict())


# --- Case 2: strict=False -------------------------------------------------------------------


def save_subset(model: nn.Module, path: Path, keep) -> Path:
    torch.save({key: value for key, value in model.state_dict().items() if keep(key)}, path)
    return path


def test_non_strict_missing_head_loads(model, tmp_path):
    """strict=False with only classifier.3.* missing loads the backbone: equal features."""
    path = save_subset(model, tmp_path / "no-head.pth", lambda key: "classifier.3." not in key)
    loaded = load_model(3, path, strict=False)
    assert torch.equal(loaded.features[0][0].weight, model.features[0][0].weight)


def test_strict_missing_head_rejected(model, tmp_path):
    """strict=True (the default) rejects the same file and names classifier.3.weight."""
    path = save_subset(model, tmp_path / "no-head.pth", lambda key: "classifier.3." not in key)
    with pytest.raises(CheckpointError, match=r"classifier\.3\.weight"):
        load_model(3, path)


def test_non_strict_head_only_rejected(model, tmp_path):
    """strict=False with only the head present raises: the backbone keys are missing."""
    path = save_subset(model, tmp_path / "head-only.pth", lambda key: "classifier.3." in key)
    with pytest.raises(CheckpointError, match="ontbreken in het bestand"):
        load_model(3, path, strict=False)


def test_non_strict_lists_missing_keys(model, tmp_path):
    """The strict=False error lists the first missing key, features.0.0.weight."""
    path = save_subset(model, tmp_path / "head-only.pth", lambda key: "classifier.3." in key)
    with pytest.raises(CheckpointError, match=r"features\.0\.0\.weight"):
        load_model(3, path, strict=False)


def test_non_strict_unexpected_rejected(model, tmp_path):
    """strict=False still raises for keys the model does not have, and names them."""
    path = tmp_path / "extra.pth"
    torch.save({**model.state_dict(), "extra.weight": torch.zeros(1)}, path)
    with pytest.raises(CheckpointError, match=r"extra\.weight"):
        load_model(3, path, strict=False)


def test_non_strict_foreign_rejected(resnet_checkpoint):
    """strict=False with a resnet18 state_dict raises instead of reporting success."""
    with pytest.raises(CheckpointError, match="passen niet"):
        load_model(3, resnet_checkpoint, strict=False)


# --- Case 3: a dict or a folder in the wrong place ------------------------------------------


def test_save_state_dict_instead_of_model(model, tmp_path):
    """save_model(model.state_dict()) raises CheckpointError saying a dict is a state_dict."""
    with pytest.raises(CheckpointError, match="kreeg een dict: dat lijkt al een state_dict"):
        save_model(model.state_dict(), tmp_path / "m.pth")


def test_save_state_dict_writes_nothing(model, tmp_path):
    """The rejected save_model(model.state_dict()) leaves the folder empty."""
    with pytest.raises(CheckpointError):
        save_model(model.state_dict(), tmp_path / "m.pth")
    assert os.listdir(tmp_path) == []


def test_load_model_instead_of_num_classes(model, tmp_path):
    """load_model(model, path) raises TypeError naming the model type, not its repr."""
    with pytest.raises(TypeError, match="van type MobileNetV3"):
        load_model(model, tmp_path / "m.pth")


def test_save_to_folder(model, tmp_path):
    """save_model to a folder raises CheckpointError: '<folder> is een map, geen bestand'."""
    with pytest.raises(CheckpointError, match="is een map, geen bestand"):
        save_model(model, tmp_path)


def test_load_from_folder(tmp_path):
    """load_model from a folder raises CheckpointError: 'is een map, geen checkpointbestand'."""
    with pytest.raises(CheckpointError, match="is een map, geen checkpointbestand"):
        load_model(3, tmp_path)


# --- Case 4: metadata that is not plain Python data -----------------------------------------


NUMPY_METADATA = {
    "int": (np.int64(5), 5),
    "float": (np.float32(0.5), 0.5),
    "double": (np.float64(0.25), 0.25),
    "bool": (np.bool_(True), True),
    "text": (np.str_("appel"), "appel"),
    "array": (np.arange(3), [0, 1, 2]),
}


@pytest.mark.parametrize("name", list(NUMPY_METADATA))
def test_numpy_metadata_converted(model, tmp_path, name):
    """NumPy metadata comes back as the equal plain Python value and type."""
    value, expected = NUMPY_METADATA[name]
    path = save_model(model, tmp_path / "m.pth", metadata={name: value})
    stored = torch.load(path, weights_only=True)["metadata"][name]
    assert (type(stored), stored) == (type(expected), expected)


def test_numpy_class_names_converted(model, tmp_path):
    """class_names given as a NumPy array come back as a list of str."""
    names = np.array(["Apple", "Banana", "Milk"])
    path = save_model(model, tmp_path / "m.pth", class_names=names)
    stored = torch.load(path, weights_only=True)["class_names"]
    assert [type(name) for name in stored] == [str, str, str]


def test_tensor_metadata_rejected(model, tmp_path):
    """A tensor in metadata raises CheckpointError that suggests .item() or .tolist()."""
    with pytest.raises(CheckpointError, match=r"\.item\(\)"):
        save_model(model, tmp_path / "m.pth", metadata={"accuracy": torch.tensor(0.9)})


class Settings:
    """A custom class that weights_only=True cannot load."""


def test_custom_object_metadata_rejected(model, tmp_path):
    """A custom object in metadata raises CheckpointError naming its class."""
    with pytest.raises(CheckpointError, match="Settings"):
        save_model(model, tmp_path / "m.pth", metadata={"settings": Settings()})


def test_rejected_metadata_keeps_old_file(model, tmp_path):
    """A rejected save leaves the earlier checkpoint byte for byte as it was."""
    path = save_model(model, tmp_path / "m.pth")
    before = path.read_bytes()
    with pytest.raises(CheckpointError):
        save_model(model, path, metadata={"settings": Settings()})
    assert path.read_bytes() == before


def test_every_save_loads_weights_only(model, tmp_path):
    """A checkpoint with class names and nested NumPy metadata loads with weights_only=True."""
    metadata = {
        "history": [{"epoch": np.int32(1), "loss": np.float64(0.3)}],
        "mean": np.array([0.485, 0.456, 0.406]),
        "labels": (np.str_("a"), "b"),
    }
    path = save_model(model, tmp_path / "m.pth", class_names=["a", "b", "c"], metadata=metadata)
    payload = torch.load(path, weights_only=True)
    assert payload["metadata"]["history"] == [{"epoch": 1, "loss": 0.3}]


# --- Case 5: pickled models and code in a file ----------------------------------------------


class MarkerPayload:
    """Create a marker file when unpickled: `open(marker, "w")` runs during loading."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_payload_runs_when_unpickled(tmp_path):
    """Control: an unsafe pickle.load of the payload creates the marker file."""
    marker = tmp_path / "marker"
    data = pickle.dumps(MarkerPayload(marker))
    pickle.loads(data).close()
    assert marker.exists()


def write_payload(path: Path, marker: Path, writer: str) -> Path:
    if writer == "torch.save":
        torch.save({"state_dict": MarkerPayload(marker)}, path)
    else:
        path.write_bytes(pickle.dumps(MarkerPayload(marker), protocol=2))
    return path


WRITERS = ["torch.save", "pickle.dump"]


@pytest.mark.parametrize("writer", WRITERS)
def test_code_payload_not_run(tmp_path, writer):
    """Loading a file with a __reduce__ payload raises and never creates the marker."""
    marker = tmp_path / "marker"
    path = write_payload(tmp_path / "evil.pth", marker, writer)
    with pytest.raises(CheckpointError):
        load_model(3, path)
    assert not marker.exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_code_payload_message_explains_risk(tmp_path, writer):
    """The error message states that unpickling can run arbitrary code."""
    path = write_payload(tmp_path / "evil.pth", tmp_path / "marker", writer)
    with pytest.raises(CheckpointError, match="willekeurige code uitvoeren"):
        load_model(3, path)


@pytest.mark.parametrize("writer", WRITERS)
def test_code_payload_message_names_callable(tmp_path, writer):
    """The refusal names the blocked callable, io.open (or _io.open)."""
    path = write_payload(tmp_path / "evil.pth", tmp_path / "marker", writer)
    with pytest.raises(CheckpointError, match=r"io\.open"):
        load_model(3, path)


@pytest.mark.parametrize("writer", WRITERS)
def test_code_payload_message_points_to_state_dict(tmp_path, writer):
    """The refusal points to saving a state_dict instead."""
    path = write_payload(tmp_path / "evil.pth", tmp_path / "marker", writer)
    with pytest.raises(CheckpointError, match=r"model\.state_dict\(\)"):
        load_model(3, path)


def test_whole_model_message_points_to_state_dict(model, tmp_path):
    """torch.save(model) is refused with a pointer to torch.save(model.state_dict(), ...)."""
    path = tmp_path / "whole.pth"
    torch.save(model, path)
    with pytest.raises(CheckpointError, match=r"torch\.save\(model\.state_dict\(\), pad\)"):
        load_model(3, path)


def test_whole_model_message_explains_risk(model, tmp_path):
    """The refusal of a whole pickled model explains that unpickling can run code."""
    path = tmp_path / "whole.pth"
    torch.save(model, path)
    with pytest.raises(CheckpointError, match="er is niets uitgevoerd"):
        read_checkpoint(path)


# --- Case 6: interrupted save ---------------------------------------------------------------


def interrupted_save(error: BaseException):
    def save(payload, file, *args, **kwargs):
        file.write(b"PK\x03\x04 half a checkpoint")
        raise error

    return save


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (OSError(28, "No space left on device"), CheckpointError),
        (KeyboardInterrupt(), KeyboardInterrupt),
    ],
)
def test_interrupted_save_keeps_old_file(model, tmp_path, monkeypatch, error, raised):
    """An interrupted save_model leaves the previous checkpoint byte for byte intact.

    A disk error becomes a Dutch CheckpointError; Ctrl+C stays a KeyboardInterrupt.
    """
    path = save_model(model, tmp_path / "model.pth")
    before = path.read_bytes()
    monkeypatch.setattr(checkpoint_module.torch, "save", interrupted_save(error))
    with pytest.raises(raised):
        save_model(create_model(3, pretrained=False), path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (OSError(28, "No space left on device"), CheckpointError),
        (KeyboardInterrupt(), KeyboardInterrupt),
    ],
)
def test_interrupted_save_no_temporary_file(model, tmp_path, monkeypatch, error, raised):
    """After an interrupted save_model only model.pth is left in the folder."""
    path = save_model(model, tmp_path / "model.pth")
    monkeypatch.setattr(checkpoint_module.torch, "save", interrupted_save(error))
    with pytest.raises(raised):
        save_model(model, path)
    assert os.listdir(tmp_path) == ["model.pth"]


def test_interrupted_first_save_no_file(model, tmp_path, monkeypatch):
    """An interrupted first save leaves an empty folder, not a half model.pth."""
    monkeypatch.setattr(checkpoint_module.torch, "save", interrupted_save(OSError("disk")))
    with pytest.raises(CheckpointError, match="eerder bestand op die plaats is ongewijzigd"):
        save_model(model, tmp_path / "model.pth")
    assert os.listdir(tmp_path) == []


# --- Case 7: a damaged weights file in the torch hub cache ----------------------------------


def damaged_weights(kind: str) -> Path:
    """Write a damaged file where torchvision looks for the pretrained weights."""
    path = weights_file()
    path.parent.mkdir(parents=True)
    if kind == "truncated":
        torch.save({"features.0.0.weight": torch.zeros(16, 3, 3, 3)}, path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "text":
        path.write_text("<html>captive portal login</html>")
    else:
        path.write_bytes(b"")
    return path


DAMAGE = ["truncated", "text", "empty"]


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("pretrained", [True, "auto"])
def test_damaged_weights_error_names_path(monkeypatch, network_calls, kind, pretrained):
    """A damaged cache file raises WeightsFileError naming that file, online or not."""
    monkeypatch.delenv(OFFLINE_ENV)
    path = damaged_weights(kind)
    with pytest.raises(WeightsFileError) as caught:
        create_model(3, pretrained=pretrained)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_weights_advice(kind):
    """The message advises deleting the file and names the download command."""
    damaged_weights(kind)
    with pytest.raises(WeightsFileError) as caught:
        create_model(3, pretrained=True)
    assert f"Verwijder het bestand en download het opnieuw met `{DOWNLOAD_COMMAND}`" in str(
        caught.value
    )


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_weights_no_network(monkeypatch, network_calls, kind):
    """With a damaged cache file nothing connects to the network (network_calls == [])."""
    monkeypatch.delenv(OFFLINE_ENV)
    damaged_weights(kind)
    with pytest.raises(WeightsFileError):
        create_model(3)
    assert network_calls == []


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_weights_file_kept(monkeypatch, network_calls, kind):
    """The damaged file stays as it was: nothing replaces it silently."""
    monkeypatch.delenv(OFFLINE_ENV)
    path = damaged_weights(kind)
    before = path.read_bytes()
    with pytest.raises(WeightsFileError):
        create_model(3)
    assert path.read_bytes() == before


# --- Case 8: loading a local checkpoint never touches the network ---------------------------


def test_load_model_online_no_network(model, tmp_path, monkeypatch, network_calls):
    """load_model without MODEL_UTILS_OFFLINE makes no network call (network_calls == [])."""
    path = save_model(model, tmp_path / "model.pth")
    monkeypatch.delenv(OFFLINE_ENV)
    load_model(3, path)
    assert network_calls == []


def test_load_model_online_no_cache_write(model, tmp_path, monkeypatch, network_calls):
    """load_model writes nothing to the weights cache folder (it does not exist afterwards)."""
    path = save_model(model, tmp_path / "model.pth")
    monkeypatch.delenv(OFFLINE_ENV)
    load_model(3, path)
    assert not weights_file().parent.exists()


def test_load_model_online_no_notice(model, tmp_path, monkeypatch, network_calls, capsys):
    """load_model prints no weights notice: stdout is empty."""
    path = save_model(model, tmp_path / "model.pth")
    capsys.readouterr()
    monkeypatch.delenv(OFFLINE_ENV)
    load_model(3, path)
    assert capsys.readouterr().out == ""


# --- Case 9: a last batch of one small image ------------------------------------------------


def test_single_image_last_batch_skipped(model, tensor_loader):
    """Five 32x32 images in batches of four: the epoch finishes with skipped_images == 1."""
    result = train_one_epoch(model, tensor_loader(5, 4), sgd(model), progress=False)
    assert result.skipped_images == 1


def test_single_image_last_batch_images(model, tensor_loader):
    """The same epoch reports images == 4: only the full batch was trained."""
    result = train_one_epoch(model, tensor_loader(5, 4), sgd(model), progress=False)
    assert result.images == 4


def test_single_image_last_batch_notice(model, tensor_loader, capsys):
    """The skip prints one 'Let op:' line that suggests drop_last=True."""
    train_one_epoch(model, tensor_loader(5, 4), sgd(model), progress=False)
    assert "drop_last=True" in capsys.readouterr().out


def test_single_image_plain_pytorch_fails(model):
    """Control: plain PyTorch raises on one 32x32 image in training mode."""
    model.train()
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        model(torch.randn(1, 3, 32, 32))


# --- Case 10: evaluate and predict restore the mode -----------------------------------------


def sgd(model: nn.Module) -> torch.optim.Optimizer:
    return torch.optim.SGD(trainable_parameters(model), lr=0.1)


def frozen_backbone_in_training(model: nn.Module) -> nn.Module:
    freeze_backbone(model)
    model.train()
    set_frozen_batchnorm_eval(model)
    return model


def test_evaluate_restores_train_mode(model, loader):
    """After evaluate, a model that was training is training again (model.training is True)."""
    frozen_backbone_in_training(model)
    evaluate(model, loader, progress=False)
    assert model.training is True


def test_evaluate_keeps_frozen_batchnorm_eval(model, loader):
    """After evaluate, the frozen batchnorm layers are still in evaluation mode."""
    frozen_backbone_in_training(model)
    evaluate(model, loader, progress=False)
    assert not any(layer.training for layer in batchnorm_layers(model.features))


def test_evaluate_restores_dropout_train(model, loader):
    """After evaluate, the dropout in the head is back in training mode."""
    frozen_backbone_in_training(model)
    evaluate(model, loader, progress=False)
    assert model.classifier[2].training is True


def test_evaluate_keeps_eval_mode(model, loader):
    """A model in evaluation mode before evaluate stays in evaluation mode."""
    model.eval()
    evaluate(model, loader, progress=False)
    assert not any(module.training for module in model.modules())


def test_evaluate_runs_in_eval_mode(model, loader):
    """Every layer is in evaluation mode during each forward pass of evaluate."""
    model.train()
    seen = record_modes(model)
    evaluate(model, loader, progress=False)
    assert not any(any(flags) for flags in seen)


def test_epoch_after_evaluate_trains(model, loader):
    """train_one_epoch after evaluate runs with dropout in training mode."""
    optimizer = sgd(frozen_backbone_in_training(model))
    train_one_epoch(model, loader, optimizer, progress=False)
    evaluate(model, loader, progress=False)
    model.eval()  # A participant may also leave the model in evaluation mode.
    seen = record_modes(model.classifier[2])
    train_one_epoch(model, loader, optimizer, progress=False)
    assert seen == [[True], [True]]


def test_predict_runs_in_eval_mode(model, images):
    """Every layer is in evaluation mode during predict, even on a model in training mode."""
    model.train()
    seen = record_modes(model)
    predict(model, images)
    assert not any(seen[0])


def test_predict_restores_train_mode(model, images):
    """predict leaves a training model in training mode."""
    model.train()
    predict(model, images)
    assert all(module.training for module in model.modules())


def test_predict_repeatable(model, images):
    """Two predict calls on a training model give bit-identical probabilities."""
    model.train()
    assert torch.equal(predict(model, images), predict(model, images))


def test_predict_independent_of_batch(model, images):
    """The first image gets bit-identical probabilities next to different companions."""
    model.train()
    companions = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(5))
    first = predict(model, images)[0]
    other = predict(model, torch.cat([images[:1], companions]))[0]
    assert torch.equal(first, other)


def test_predict_keeps_batchnorm_buffers(model, images):
    """predict on a training model leaves every batchnorm buffer bit-identical."""
    model.train()
    before = snapshot(model)
    predict(model, images)
    assert identical(before, model)


# --- Case 11: nothing trainable, and the optimizer after unfreezing -------------------------


class CountingSGD(torch.optim.SGD):
    """SGD that counts its steps."""

    steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


def test_nothing_trainable_rejected(model, loader):
    """With every layer frozen, train_one_epoch raises ValueError naming the head."""
    optimizer = CountingSGD(model.parameters(), lr=0.1)
    freeze(model)
    with pytest.raises(ValueError, match="ook de head"):
        train_one_epoch(model, loader, optimizer, progress=False)


def test_nothing_trainable_no_step(model, loader):
    """The refusal happens before the first step: optimizer.step was called 0 times."""
    optimizer = CountingSGD(model.parameters(), lr=0.1)
    freeze(model)
    with pytest.raises(ValueError):
        train_one_epoch(model, loader, optimizer, progress=False)
    assert optimizer.steps == 0


def test_nothing_trainable_weights_unchanged(model, loader):
    """The refusal leaves every parameter and buffer bit-identical."""
    optimizer = CountingSGD(model.parameters(), lr=0.1)
    freeze(model)
    before = snapshot(model)
    with pytest.raises(ValueError):
        train_one_epoch(model, loader, optimizer, progress=False)
    assert identical(before, model)


def test_stale_optimizer_rejected(model, loader):
    """An optimizer holding only frozen backbone parameters is refused before any step."""
    optimizer = CountingSGD(model.features.parameters(), lr=0.1)
    freeze_backbone(model)
    with pytest.raises(ValueError, match="trainable_parameters"):
        train_one_epoch(model, loader, optimizer, progress=False)


def test_unfrozen_optimizer_exact_parameters(model):
    """After unfreeze_last_blocks the optimizer holds exactly the trainable parameters."""
    freeze_backbone(model)
    unfreeze_last_blocks(model, 2)
    optimizer = torch.optim.SGD(trainable_parameters(model), lr=0.1)
    in_optimizer = [id(p) for group in optimizer.param_groups for p in group["params"]]
    expected = [id(p) for p in model.parameters() if p.requires_grad]
    assert in_optimizer == expected


def test_unfrozen_param_group_exact_parameters(model):
    """Head group plus the unfreeze_last_blocks group equals the trainable set, no duplicates."""
    freeze_backbone(model)
    optimizer = torch.optim.SGD(trainable_parameters(model), lr=0.1)
    optimizer.add_param_group({"params": unfreeze_last_blocks(model, 2), "lr": 0.01})
    in_optimizer = [id(p) for group in optimizer.param_groups for p in group["params"]]
    expected = {id(p) for p in model.parameters() if p.requires_grad}
    assert sorted(in_optimizer) == sorted(expected)


# --- Case 12: a frozen backbone stays bit-identical -----------------------------------------


@pytest.mark.parametrize("optimizer_parameters", ["trainable", "all"])
def test_frozen_backbone_unchanged(model, loader, optimizer_parameters):
    """After one epoch of head training every features.* tensor is bit-identical."""
    freeze_backbone(model)
    parameters = trainable_parameters(model) if optimizer_parameters == "trainable" else None
    # "all" is the common slip of passing model.parameters(), with weight decay and momentum.
    optimizer = torch.optim.SGD(
        parameters or model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01
    )
    before = snapshot(model.features)
    train_one_epoch(model, loader, optimizer, progress=False)
    assert identical(before, model.features)


def test_frozen_backbone_head_changes(model, loader):
    """The same epoch changes classifier.3.weight."""
    freeze_backbone(model)
    before = model.classifier[3].weight.detach().clone()
    train_one_epoch(model, loader, sgd(model), progress=False)
    assert not torch.equal(model.classifier[3].weight, before)


def test_frozen_backbone_batches_tracked(model, loader):
    """The first batchnorm's num_batches_tracked stays 0 during head training."""
    freeze_backbone(model)
    train_one_epoch(model, loader, sgd(model), progress=False)
    assert model.features[0][1].num_batches_tracked.item() == 0
