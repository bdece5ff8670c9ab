"""``python -m letter_gen`` runs the letter-gen command."""

from .cli import main

main()
