"""Foutklassen van model_utils.

Elke boodschap noemt het bestand of de waarde, de oorzaak en de oplossing.
"""


class CheckpointError(ValueError):
    """Een checkpoint kan niet gelezen of geschreven worden."""
