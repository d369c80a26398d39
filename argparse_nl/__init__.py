"""argparse met Nederlandse hulp en foutmeldingen, gedeeld door de commandoregels van het project.

argparse zelf schrijft Engelse koppen ("usage:", "options") en fouten ("the following arguments are
required"). DutchArgumentParser vertaalt die, zodat `--help` en foutmeldingen volledig Dutch zijn.
"""

import argparse
import re
import sys
from typing import NoReturn

# Patronen uit argparse (Python 3.10 tot 3.13) met hun vertaling; de rest blijft zoals het is.
ERROR_TRANSLATIONS = (
    (r"the following arguments are required: (.*)", r"deze argumenten ontbreken: \1"),
    (r"unrecognized arguments: (.*)", r"onbekende argumenten: \1"),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"argument \1: ongeldige keuze \2 (kies uit \3)",
    ),
    (
        r"argument (.*?): invalid (.+?) value: (.*)",
        r"argument \1: ongeldige waarde \3 (verwacht: \2)",
    ),
    (r"argument (.*?): expected one argument", r"argument \1: verwacht één waarde"),
    (
        r"argument (.*?): expected at least one argument",
        r"argument \1: verwacht minstens één waarde",
    ),
    (
        r"argument (.*?): not allowed with argument (.*)",
        r"argument \1: mag niet samen met argument \2",
    ),
)


def translate_error(message: str) -> str:
    """Vertaal een foutmelding van argparse naar het Nederlands, als het patroon bekend is."""
    for pattern, replacement in ERROR_TRANSLATIONS:
        translated, count = re.subn(f"^{pattern}$", replacement, message)
        if count:
            return translated
    return message


class DutchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Hulpopmaak met "gebruik:" in plaats van "usage:"."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(
            usage, actions, groups, prefix="gebruik: " if prefix is None else prefix
        )


class DutchArgumentParser(argparse.ArgumentParser):
    """ArgumentParser met Nederlandse koppen, -h/--help en foutmeldingen (exitcode 2)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DutchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {translate_error(message)}\n")
