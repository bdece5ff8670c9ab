"""``python -m letter_gen`` runs the letter-gen command."""

from letter_gen.cli import main

# the usage line names the command a clerk types, not the package
main(prog_name="letter-gen")
