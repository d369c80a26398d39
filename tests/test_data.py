"""Tests for model_utils.data: dataset location, split parsing, caching and the synthetic set.

Tests marked `real` read the Grocery Store Dataset through GROCERY_STORE_DATASET and are
skipped when it is unset. All other tests build a tiny dataset in the original layout in a
temporary folder.
"""

import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import model_utils.data.grocery as grocery_module
from model_utils.data import (
    CLONE_COMMAND,
    DatasetFormatError,
    DatasetNotFoundError,
    GroceryStoreDataset,
    ImageFileError,
    SyntheticGroceryDataset,
    find_dataset_root,
    load_grocery_datasets,
    load_image,
    make_loader,
    sample_image_paths,
)
from model_utils.weights import preprocess

SIZE = 64  # small image_size keeps the transforms fast

REAL_ROOT = os.environ.get("GROCERY_STORE_DATASET", "").strip()
real = pytest.mark.skipif(
    not REAL_ROOT or not Path(REAL_ROOT).expanduser().is_dir(),
    reason="GROCERY_STORE_DATASET is unset or not a folder; point it at the dataset/ folder "
    "of a Grocery Store Dataset clone to run the real-data tests",
)

CSV_HEADER = (
    "Class Name (str),Class ID (int),Coarse Class Name (str),Coarse Class ID (int),"
    "Iconic Image Path (str),Product Description Path (str)"
)
TINY_CLASSES = [("Golden", 0, "Apple", 0), ("Granny", 1, "Apple", 0), ("Milk-A", 2, "Milk", 1)]


def write_tiny_dataset(clone: Path, images_per_class: int = 3) -> Path:
    """Write a clone root with dataset/classes.csv, train.txt, val.txt and small JPEGs."""
    root = clone / "dataset"
    root.mkdir(parents=True)
    rows = [f"{fine},{fid},{coarse},{cid},/x.jpg,/x.txt" for fine, fid, coarse, cid in TINY_CLASSES]
    (root / "classes.csv").write_text("\n".join([CSV_HEADER, *rows]) + "\n")

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        lines = []
        for fine, fine_id, _, coarse_id in TINY_CLASSES:
            folder = root / split / fine
            folder.mkdir(parents=True)
            for number in range(1, images_per_class + 1):
                pixels = rng.integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{fine}_{number:03d}.jpg")
                lines.append(f"{split}/{fine}/{fine}_{number:03d}.jpg, {fine_id}, {coarse_id}")
        (root / f"{split}.txt").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture
def no_dataset_env(monkeypatch, tmp_path):
    """Unset GROCERY_STORE_DATASET and point HOME at an empty folder."""
    monkeypatch.delenv("GROCERY_STORE_DATASET", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def tiny_root(tmp_path, no_dataset_env) -> Path:
    return write_tiny_dataset(tmp_path / "clone")


def replace_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n")


# Location


def test_find_root_dataset_folder(tiny_root):
    assert find_dataset_root(tiny_root) == tiny_root.resolve()


def test_find_root_clone_root(tiny_root):
    assert find_dataset_root(tiny_root.parent) == tiny_root.resolve()


def test_find_root_env_var(tiny_root, monkeypatch):
    monkeypatch.setenv("GROCERY_STORE_DATASET", str(tiny_root.parent))
    assert find_dataset_root() == tiny_root.resolve()


def test_find_root_explicit_beats_env(tiny_root, tmp_path, monkeypatch):
    other = write_tiny_dataset(tmp_path / "other")
    monkeypatch.setenv("GROCERY_STORE_DATASET", str(tiny_root))
    assert find_dataset_root(other) == other.resolve()


def test_find_root_default_home(no_dataset_env):
    expected = write_tiny_dataset(no_dataset_env / "GroceryStoreDataset")
    assert find_dataset_root() == expected.resolve()


def test_find_root_none_when_absent(no_dataset_env):
    assert find_dataset_root() is None


def test_find_root_missing_path(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(DatasetNotFoundError) as info:
        find_dataset_root(missing)
    message = str(info.value)
    assert str(missing) in message
    assert "bestaat niet" in message
    assert CLONE_COMMAND in message


def test_find_root_missing_files(tmp_path):
    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "classes.csv").write_text(CSV_HEADER + "\n")
    with pytest.raises(DatasetNotFoundError) as info:
        find_dataset_root(folder)
    message = str(info.value)
    assert str(folder) in message
    assert "ontbreekt train.txt," in message
    assert CLONE_COMMAND in message


def test_find_root_incomplete_clone(tmp_path):
    clone = tmp_path / "clone"
    (clone / "dataset").mkdir(parents=True)
    with pytest.raises(DatasetNotFoundError) as info:
        find_dataset_root(clone)
    message = str(info.value)
    assert str(clone / "dataset") in message
    assert "classes.csv en train.txt" in message


def test_find_root_file_instead_of_folder(tmp_path):
    file = tmp_path / "classes.csv"
    file.write_text(CSV_HEADER)
    with pytest.raises(DatasetNotFoundError) as info:
        find_dataset_root(file)
    assert "geen map" in str(info.value)


def test_find_root_env_invalid(monkeypatch, tmp_path):
    missing = tmp_path / "typo"
    monkeypatch.setenv("GROCERY_STORE_DATASET", str(missing))
    with pytest.raises(DatasetNotFoundError) as info:
        find_dataset_root()
    message = str(info.value)
    assert "GROCERY_STORE_DATASET" in message
    assert str(missing) in message


def test_dataset_without_any_location(no_dataset_env):
    with pytest.raises(DatasetNotFoundError) as info:
        GroceryStoreDataset(image_size=SIZE)
    assert CLONE_COMMAND in str(info.value)


# Split files and classes.csv


def test_tiny_dataset_labels(tiny_root):
    fine = GroceryStoreDataset(tiny_root, "val", labels="fine", image_size=SIZE)
    coarse = GroceryStoreDataset(tiny_root, "val", image_size=SIZE)
    assert fine.classes == ["Golden", "Granny", "Milk-A"]
    assert coarse.classes == ["Apple", "Milk"]
    assert fine.targets == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert coarse.targets == [0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert coarse.samples[3] == (tiny_root.resolve() / "val/Granny/Granny_001.jpg", 0)


def test_split_blank_lines_skipped(tiny_root):
    split_file = tiny_root / "train.txt"
    split_file.write_text("\n" + split_file.read_text() + "\n\n")
    assert len(GroceryStoreDataset(tiny_root, image_size=SIZE)) == 9


def test_split_missing_image(tiny_root):
    (tiny_root / "train/Golden/Golden_002.jpg").unlink()
    with pytest.raises(DatasetNotFoundError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    message = str(info.value)
    assert str(tiny_root.resolve() / "train.txt") in message
    assert "Regel 2 " in message
    assert "train/Golden/Golden_002.jpg" in message


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        ("train/Golden/Golden_001.jpg, 0", "ongeldig"),
        ("train/Golden/Golden_001.jpg 0 0", "ongeldig"),
        (", 0, 0", "ongeldig"),
        ("train/Golden/Golden_001.jpg, apple, 0", "gehele getallen"),
        ("train/Golden/Golden_001.jpg, 7, 0", "fijne klasse 7"),
        ("train/Golden/Golden_001.jpg, 0, 1", "grove klasse 1"),
    ],
)
def test_split_malformed_line(tiny_root, line, cause):
    replace_line(tiny_root / "train.txt", 4, line)
    with pytest.raises(DatasetFormatError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    message = str(info.value)
    assert str(tiny_root.resolve() / "train.txt") in message
    assert "Regel 4 " in message
    assert cause in message


def test_split_file_missing(tiny_root):
    with pytest.raises(DatasetNotFoundError) as info:
        GroceryStoreDataset(tiny_root, "test", image_size=SIZE)
    assert str(tiny_root.resolve() / "test.txt") in str(info.value)


def test_classes_csv_missing_column(tiny_root):
    csv_file = tiny_root / "classes.csv"
    csv_file.write_text(csv_file.read_text().replace("Coarse Class ID (int)", "Coarse"))
    with pytest.raises(DatasetFormatError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    assert "Coarse Class ID (int)" in str(info.value)


def test_classes_csv_bad_id(tiny_root):
    replace_line(tiny_root / "classes.csv", 3, "Granny,one,Apple,0,/x.jpg,/x.txt")
    with pytest.raises(DatasetFormatError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    assert "Regel 3 " in str(info.value)


def test_classes_csv_gap_in_ids(tiny_root):
    replace_line(tiny_root / "classes.csv", 4, "Milk-A,5,Milk,1,/x.jpg,/x.txt")
    with pytest.raises(DatasetFormatError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    assert "fijne klasse-ID's" in str(info.value)


def test_classes_csv_duplicate_id(tiny_root):
    replace_line(tiny_root / "classes.csv", 3, "Granny,0,Apple,0,/x.jpg,/x.txt")
    with pytest.raises(DatasetFormatError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    assert "herhaalt fijne klasse-ID 0" in str(info.value)


def test_classes_csv_coarse_name_conflict(tiny_root):
    replace_line(tiny_root / "classes.csv", 3, "Granny,1,Pear,0,/x.jpg,/x.txt")
    with pytest.raises(DatasetFormatError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE)
    assert "'Pear'" in str(info.value)


@pytest.mark.parametrize(
    ("option", "value"),
    [("split", "validation"), ("labels", "medium"), ("limit_per_class", 0)],
)
def test_dataset_invalid_option(tiny_root, option, value):
    with pytest.raises(ValueError) as info:
        GroceryStoreDataset(tiny_root, image_size=SIZE, **{option: value})
    assert f"{option}={value!r}" in str(info.value)


def test_limit_per_class_tiny(tiny_root):
    dataset = GroceryStoreDataset(tiny_root, labels="fine", image_size=SIZE, limit_per_class=2)
    names = [path.name for path, _ in dataset.samples]
    assert names == [f"{c}_00{n}.jpg" for c in ("Golden", "Granny", "Milk-A") for n in (1, 2)]


def test_negative_index(tiny_root):
    dataset = GroceryStoreDataset(tiny_root, image_size=SIZE)
    assert torch.equal(dataset[-1][0], dataset[len(dataset) - 1][0])
    assert dataset[-1][1] == dataset.targets[-1]


def test_sample_paths_tiny(tiny_root):
    paths = sample_image_paths(tiny_root)
    assert [path.name for path in paths] == ["Golden_001.jpg", "Milk-A_001.jpg"]
    assert paths[0].parent.parent.name == "val"


# Caching and transforms


def count_decodes(monkeypatch) -> list[Path]:
    """Record every path that GroceryStoreDataset decodes from disk."""
    calls = []

    def counting_load_image(path):
        calls.append(path)
        return load_image(path)

    monkeypatch.setattr(grocery_module, "load_image", counting_load_image)
    return calls


def test_cache_skips_decoding(tiny_root, monkeypatch):
    calls = count_decodes(monkeypatch)
    dataset = GroceryStoreDataset(tiny_root, image_size=SIZE)
    first, _ = dataset[1]
    second, _ = dataset[1]
    assert len(calls) == 1
    assert torch.equal(first, second)


def test_no_cache_decodes_again(tiny_root, monkeypatch):
    calls = count_decodes(monkeypatch)
    dataset = GroceryStoreDataset(tiny_root, image_size=SIZE, cache=False)
    dataset[1]
    dataset[1]
    assert len(calls) == 2


def test_cache_matches_uncached(tiny_root):
    cached = GroceryStoreDataset(tiny_root, image_size=SIZE)
    uncached = GroceryStoreDataset(tiny_root, image_size=SIZE, cache=False)
    for index in (0, 4):
        cached[index]  # fills the cache
        assert torch.equal(cached[index][0], uncached[index][0])


def test_default_transform_is_preset(tiny_root):
    dataset = GroceryStoreDataset(tiny_root, image_size=SIZE, cache=False)
    expected = preprocess(SIZE)(load_image(dataset.samples[0][0]))
    assert torch.equal(dataset[0][0], expected)


def test_custom_transform_used(tiny_root):
    dataset = GroceryStoreDataset(tiny_root, image_size=SIZE, transform=lambda image: image.size)
    short_side = round(SIZE * 256 / 224)
    assert dataset[0][0] == (round(short_side * 40 / 30), short_side)


# Real data


@real
def test_real_split_sizes():
    train = GroceryStoreDataset(REAL_ROOT, "train", image_size=SIZE)
    val = GroceryStoreDataset(REAL_ROOT, "val", image_size=SIZE)
    train_lines = (train.root / "train.txt").read_text().splitlines()
    assert len(train) == len([line for line in train_lines if line.strip()])
    assert len(train) in (972, 2640)  # the workshop sample or the full clone
    assert len(val) == 296


@real
@pytest.mark.parametrize(("labels", "count"), [("coarse", 43), ("fine", 81)])
def test_real_class_counts(labels, count):
    dataset = GroceryStoreDataset(REAL_ROOT, "val", labels=labels, image_size=SIZE)
    assert len(dataset.classes) == count
    assert len(set(dataset.classes)) == count


@real
@pytest.mark.parametrize(
    ("relative_path", "coarse", "fine"),
    [
        ("train/Fruit/Apple/Granny-Smith/Granny-Smith_005.jpg", "Apple", "Granny-Smith"),
        (
            "train/Packages/Milk/Arla-Standard-Milk/Arla-Standard-Milk_001.jpg",
            "Milk",
            "Arla-Standard-Milk",
        ),
        (
            "train/Packages/Oatghurt/Oatly-Natural-Oatghurt/Oatly-Natural-Oatghurt_001.jpg",
            "Oatghurt",
            "Oatly-Natural-Oatghurt",
        ),
        ("train/Vegetables/Zucchini/Zucchini_012.jpg", "Zucchini", "Zucchini"),
    ],
)
def test_real_known_labels(relative_path, coarse, fine):
    for labels, expected in (("coarse", coarse), ("fine", fine)):
        dataset = GroceryStoreDataset(REAL_ROOT, "train", labels=labels, image_size=SIZE)
        paths = [path for path, _ in dataset.samples]
        index = paths.index(dataset.root / relative_path)
        assert dataset.classes[dataset.targets[index]] == expected


@real
def test_real_tensor_shape():
    dataset = GroceryStoreDataset(REAL_ROOT, "val", image_size=SIZE, limit_per_class=1)
    image, label = dataset[0]
    assert image.shape == (3, SIZE, SIZE)
    assert image.dtype == torch.float32
    assert isinstance(label, int)


@real
def test_real_cache_identical():
    cached = GroceryStoreDataset(REAL_ROOT, "val", image_size=SIZE, limit_per_class=1)
    uncached = GroceryStoreDataset(
        REAL_ROOT, "val", image_size=SIZE, limit_per_class=1, cache=False
    )
    for index in range(3):
        first = cached[index][0]
        assert torch.equal(cached[index][0], first)
        assert torch.equal(uncached[index][0], first)


@real
def test_real_limit_per_class():
    dataset = GroceryStoreDataset(REAL_ROOT, "train", image_size=SIZE, limit_per_class=2)
    counts = Counter(dataset.targets)
    assert len(dataset) == 2 * 43
    assert set(counts.values()) == {2}


@real
def test_real_sample_paths():
    paths = sample_image_paths(REAL_ROOT)
    assert len(paths) == 37  # the val split contains 37 of the 43 coarse classes
    assert all(path.is_file() for path in paths)
    assert sample_image_paths(REAL_ROOT, n=5) == paths[:5]


@real
def test_real_load_datasets_line(capsys):
    train, val = load_grocery_datasets(REAL_ROOT, image_size=SIZE, limit_per_class=1)
    output = capsys.readouterr()
    assert output.out.count("\n") == 1
    assert str(train.root) in output.out
    assert f"{len(train)} trainingsfoto's" in output.out
    assert "43 grove klassen" in output.out
    assert output.err == ""


# Synthetic dataset


def test_synthetic_deterministic():
    first = SyntheticGroceryDataset("train", image_size=SIZE)
    torch.manual_seed(123)
    np.random.seed(123)
    second = SyntheticGroceryDataset("train", image_size=SIZE)
    for index in (0, 30, 143):
        assert torch.equal(first[index][0], second[index][0])


def test_synthetic_images_vary():
    dataset = SyntheticGroceryDataset("train", image_size=SIZE)
    assert not torch.equal(dataset[0][0], dataset[1][0])


def test_synthetic_train_val_differ():
    train = SyntheticGroceryDataset("train", image_size=SIZE)
    val = SyntheticGroceryDataset("val", image_size=SIZE)
    assert not torch.equal(train[0][0], val[0][0])


def test_synthetic_seed_changes_pixels():
    assert not torch.equal(
        SyntheticGroceryDataset("val", image_size=SIZE, seed=0)[0][0],
        SyntheticGroceryDataset("val", image_size=SIZE, seed=1)[0][0],
    )


@pytest.mark.parametrize(("split", "per_class"), [("train", 24), ("val", 8)])
def test_synthetic_balanced(split, per_class):
    dataset = SyntheticGroceryDataset(split, image_size=SIZE)
    counts = Counter(dataset.targets)
    assert sorted(counts) == list(range(len(dataset.classes)))
    assert set(counts.values()) == {per_class}
    assert len(dataset) == per_class * len(dataset.classes)


def test_synthetic_classes_dutch():
    dataset = SyntheticGroceryDataset("val", image_size=SIZE)
    assert dataset.classes == ["Appel", "Banaan", "Citroen", "Komkommer", "Melkpak", "Tomaat"]


def test_synthetic_shapes():
    dataset = SyntheticGroceryDataset("val", image_size=SIZE)
    image, label = dataset[9]
    assert dataset.image(9).size == (128, 128)
    assert dataset.image(9).mode == "RGB"
    assert image.shape == (3, SIZE, SIZE)
    assert label == 1


def test_synthetic_limit_per_class():
    dataset = SyntheticGroceryDataset("train", image_size=SIZE, limit_per_class=3)
    assert len(dataset) == 18
    assert dataset.samples[3] == ("train/Banaan_001", 1)


def test_synthetic_cache_reuses_image(monkeypatch):
    dataset = SyntheticGroceryDataset("val", image_size=SIZE)
    first = dataset[2][0]
    monkeypatch.setattr(dataset, "image", lambda index: pytest.fail("image drawn twice"))
    assert torch.equal(dataset[2][0], first)


def test_synthetic_invalid_split():
    with pytest.raises(ValueError) as info:
        SyntheticGroceryDataset("test")
    assert "split='test'" in str(info.value)


def test_synthetic_invalid_image_size():
    with pytest.raises(ValueError) as info:
        SyntheticGroceryDataset("val", image_size=8)
    assert "image_size" in str(info.value)


# load_grocery_datasets


def test_load_datasets_synthetic_fallback(no_dataset_env, capsys):
    train, val = load_grocery_datasets(image_size=SIZE)
    output = capsys.readouterr()
    assert isinstance(train, SyntheticGroceryDataset)
    assert isinstance(val, SyntheticGroceryDataset)
    assert output.out.count("\n") == 1
    assert "synthetische dataset" in output.out
    assert "144 trainingsafbeeldingen" in output.out
    assert CLONE_COMMAND in output.out
    assert output.err == ""


def test_load_datasets_real_line(tiny_root, capsys):
    train, val = load_grocery_datasets(tiny_root.parent, labels="fine", image_size=SIZE)
    output = capsys.readouterr()
    assert isinstance(train, GroceryStoreDataset)
    assert output.out.count("\n") == 1
    assert str(tiny_root.resolve()) in output.out
    assert "9 trainingsfoto's, 9 validatiefoto's, 3 fijne klassen" in output.out
    assert output.err == ""


def test_load_datasets_quiet(no_dataset_env, capsys):
    load_grocery_datasets(image_size=SIZE, verbose=False)
    assert capsys.readouterr().out == ""


def test_load_datasets_train_transform(tiny_root):
    train, val = load_grocery_datasets(
        tiny_root, image_size=SIZE, train_transform=lambda image: "augmented", verbose=False
    )
    assert train[0][0] == "augmented"
    assert val[0][0].shape == (3, SIZE, SIZE)


def test_load_datasets_invalid_labels(no_dataset_env):
    with pytest.raises(ValueError) as info:
        load_grocery_datasets(labels="medium", verbose=False)
    assert "labels='medium'" in str(info.value)


def test_load_datasets_bad_root(tmp_path):
    with pytest.raises(DatasetNotFoundError):
        load_grocery_datasets(tmp_path / "missing", verbose=False)


# load_image


def test_load_image_converts_rgb(tmp_path):
    path = tmp_path / "gray.png"
    Image.new("L", (10, 6), 128).save(path)
    image = load_image(path)
    assert image.mode == "RGB"
    assert image.size == (10, 6)


def test_load_image_missing(tmp_path):
    missing = tmp_path / "photo.jpg"
    with pytest.raises(FileNotFoundError) as info:
        load_image(missing)
    assert str(missing) in str(info.value)


def test_load_image_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("geen foto")
    with pytest.raises(ImageFileError) as info:
        load_image(path)
    assert str(path) in str(info.value)


def test_load_image_directory(tmp_path):
    with pytest.raises(ImageFileError) as info:
        load_image(tmp_path)
    assert "map" in str(info.value)


# make_loader


def test_loader_seeded_order():
    dataset = SyntheticGroceryDataset("val", image_size=SIZE, transform=lambda image: 0)
    first = [t.tolist() for _, t in make_loader(dataset, 8, shuffle=True, seed=3)]
    torch.manual_seed(99)
    second = [t.tolist() for _, t in make_loader(dataset, 8, shuffle=True, seed=3)]
    assert first == second
    assert sorted(sum(first, [])) == sorted(dataset.targets)


def test_loader_drop_last():
    dataset = SyntheticGroceryDataset("val", image_size=SIZE, transform=lambda image: 0)
    assert len(make_loader(dataset, 10)) == 5
    assert len(make_loader(dataset, 10, drop_last=True)) == 4
