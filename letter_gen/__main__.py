"""``python -m letter_gen`` runs the letter-gen command."""

from letter_gen.cli import main

main()
