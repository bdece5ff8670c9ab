"""letter_gen: Vietnamese official letters (công văn) from inspection results, laid out per Decree 30/2020/NĐ-CP."""

__version__ = "0.1.0"
