"""Commandoregel: `python -m model_utils download | train | predict`.

download  zet de voorgetrainde gewichten in de torch-cache en kloont de dataset (voor een lokaal
          zonder internet: doe dit vooraf op een machine met internet).
train     het trainingsscript van de workshop: data, epochs, batchgrootte, learning rate,
          beeldgrootte, checkpoint; toont per epoch de loss en de validatie-accuracy.
predict   leest een checkpoint en toont per foto de waarschijnlijkste klassen.
"""

import subprocess
import sys
from pathlib import Path

import torch

from argparse_nl import DutchArgumentParser

from .checkpoint import load_model, read_checkpoint, save_model
from .data import (
    DatasetFormatError,
    DatasetNotFoundError,
    ImageFileError,
    load_grocery_datasets,
    load_image,
    make_loader,
)
from .errors import CheckpointError
from .freezing import freeze_backbone, trainable_parameters
from .model import create_model
from .training import evaluate, predict, seed_everything, select_device, train_one_epoch
from .weights import WeightsFileError, WeightsUnavailableError, download_weights, preprocess

DATASET_REPOSITORY = "https://github.com/marcusklasson/GroceryStoreDataset.git"
DEFAULT_DATASET_TARGET = Path.home() / "GroceryStoreDataset"
PRETRAINED_CHOICES = {"auto": "auto", "ja": True, "nee": False}

# Fouten die een deelnemer zelf kan oplossen, tonen we als één regel zonder traceback.
USER_ERRORS = (
    CheckpointError,
    DatasetNotFoundError,
    DatasetFormatError,
    ImageFileError,
    WeightsUnavailableError,
    WeightsFileError,
    ValueError,
    TypeError,
    FileNotFoundError,
)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


positive_int.__name__ = "positief geheel getal"


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


positive_float.__name__ = "positief getal"


def build_parser() -> DutchArgumentParser:
    parser = DutchArgumentParser(
        prog="python -m model_utils",
        description="Het model van de workshop: gewichten en data ophalen, trainen, voorspellen.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDO", parser_class=DutchArgumentParser
    )

    download = commands.add_parser(
        "download",
        help="gewichten en/of dataset vooraf ophalen",
        description="Haal de voorgetrainde gewichten en de Grocery Store Dataset op. "
        "Zonder --weights of --dataset gebeuren beide.",
    )
    download.add_argument("--weights", action="store_true", help="alleen de gewichten")
    download.add_argument("--dataset", action="store_true", help="alleen de dataset (git clone)")
    download.add_argument(
        "--target",
        metavar="MAP",
        type=Path,
        default=DEFAULT_DATASET_TARGET,
        help=f"map voor de dataset (standaard: {DEFAULT_DATASET_TARGET})",
    )

    train = commands.add_parser(
        "train", help="een model trainen", description="Train create_model op de dataset."
    )
    train.add_argument(
        "--data", metavar="MAP", type=Path, help="map van de dataset (standaard: zoek hem zelf)"
    )
    train.add_argument(
        "--labels",
        choices=["coarse", "fine"],
        default="coarse",
        help="grove (43) of fijne (81) klassen (standaard: coarse)",
    )
    train.add_argument(
        "--epochs",
        metavar="AANTAL",
        type=positive_int,
        default=3,
        help="aantal epochs (standaard: 3)",
    )
    train.add_argument(
        "--batch-size",
        metavar="AANTAL",
        type=positive_int,
        default=32,
        help="afbeeldingen per batch (standaard: 32)",
    )
    train.add_argument(
        "--lr",
        metavar="GETAL",
        type=positive_float,
        default=1e-3,
        help="learning rate van Adam (standaard: 0.001)",
    )
    train.add_argument(
        "--image-size",
        metavar="PIXELS",
        type=positive_int,
        default=224,
        help="zijde van de uitgesneden afbeelding in pixels (standaard: 224)",
    )
    train.add_argument(
        "--limit-per-class",
        metavar="AANTAL",
        type=positive_int,
        help="hoogstens zoveel trainingsfoto's per klasse (voor een snelle demo)",
    )
    train.add_argument(
        "--freeze-backbone",
        action="store_true",
        help="alleen de classifier trainen (feature extraction)",
    )
    train.add_argument(
        "--pretrained",
        choices=list(PRETRAINED_CHOICES),
        default="auto",
        help="voorgetrainde gewichten: auto, ja of nee (standaard: auto)",
    )
    train.add_argument(
        "--seed",
        metavar="GETAL",
        type=int,
        default=0,
        help="seed voor herhaalbare runs (standaard: 0)",
    )
    train.add_argument(
        "--output",
        metavar="PAD",
        type=Path,
        default=Path("model.pth"),
        help="pad van het checkpoint (standaard: model.pth)",
    )

    predict_parser = commands.add_parser(
        "predict",
        help="foto's classificeren",
        description="Classificeer foto's met een checkpoint.",
    )
    predict_parser.add_argument(
        "checkpoint", type=Path, metavar="CHECKPOINT", help="checkpoint van save_model"
    )
    predict_parser.add_argument(
        "images", type=Path, nargs="+", metavar="FOTO", help="een of meer foto's"
    )
    predict_parser.add_argument(
        "--top",
        metavar="AANTAL",
        type=positive_int,
        default=3,
        help="aantal klassen per foto (standaard: 3)",
    )
    return parser


def run_download(args) -> int:
    both = not args.weights and not args.dataset
    if args.weights or both:
        path = download_weights()
        print(f"Gewichten staan klaar in {path}.")
    if args.dataset or both:
        target = args.target.expanduser()
        if (target / "dataset" / "classes.csv").is_file():
            print(f"De dataset staat al in {target}; er is niets gedownload.")
        else:
            command = ["git", "clone", "--depth", "1", DATASET_REPOSITORY, str(target)]
            print("Dataset klonen: " + " ".join(command))
            result = subprocess.run(command, check=False)
            if result.returncode != 0:
                print(
                    f"fout: git clone is mislukt (exitcode {result.returncode}). Controleer je "
                    f"internetverbinding en of de map {target} leeg is, en probeer opnieuw.",
                    file=sys.stderr,
                )
                return 1
            print(f"Dataset staat klaar in {target / 'dataset'}.")
    return 0


def run_train(args) -> int:
    seed_everything(args.seed)
    device = select_device()
    train_set, val_set = load_grocery_datasets(
        args.data,
        labels=args.labels,
        image_size=args.image_size,
        limit_per_class=args.limit_per_class,
    )
    train_loader = make_loader(train_set, args.batch_size, shuffle=True, seed=args.seed)
    val_loader = make_loader(val_set, args.batch_size)

    model = create_model(len(train_set.classes), pretrained=PRETRAINED_CHOICES[args.pretrained])
    if args.freeze_backbone:
        freeze_backbone(model)
    model.to(device)
    optimizer = torch.optim.Adam(trainable_parameters(model), lr=args.lr)

    print(f"Training op {device} met {len(train_set)} afbeeldingen, {args.epochs} epochs.")
    for epoch in range(1, args.epochs + 1):
        trained = train_one_epoch(model, train_loader, optimizer, device=device)
        validated = evaluate(model, val_loader, device=device)
        print(
            f"epoch {epoch}/{args.epochs}: train-loss {trained.loss:.4f}, "
            f"train-accuracy {trained.accuracy:.1%}, validatie-loss {validated.loss:.4f}, "
            f"validatie-accuracy {validated.accuracy:.1%} ({trained.seconds:.1f} s)"
        )

    path = save_model(
        model,
        args.output,
        class_names=list(train_set.classes),
        metadata={"image_size": args.image_size, "labels": args.labels, "epochs": args.epochs},
    )
    print(f"Checkpoint bewaard in {path}.")
    return 0


def run_predict(args) -> int:
    checkpoint = read_checkpoint(args.checkpoint)
    if checkpoint.num_classes is None:
        raise CheckpointError(
            f"Het checkpoint {args.checkpoint} zegt niet hoeveel klassen het model heeft. "
            "Bewaar het met save_model."
        )
    model = load_model(checkpoint.num_classes, args.checkpoint)
    names = checkpoint.class_names or [f"klasse {index}" for index in range(checkpoint.num_classes)]
    transform = preprocess(int(checkpoint.metadata.get("image_size", 224)))
    top = min(args.top, checkpoint.num_classes)
    for image_path in args.images:
        probabilities = predict(model, transform(load_image(image_path)))[0]
        values, indices = probabilities.topk(top)
        print(f"{image_path}:")
        for value, index in zip(values.tolist(), indices.tolist(), strict=True):
            print(f"  {names[index]}: {value:.1%}")
    return 0


COMMANDS = {"download": run_download, "train": run_train, "predict": run_predict}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except USER_ERRORS as error:
        print(f"fout: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Onderbroken; er is geen half checkpoint geschreven.", file=sys.stderr)
        return 130
