"""Keep downloaded CSV files from running as spreadsheet formulas.

A cell that begins with one of these characters is read by Excel, LibreOffice
and Google Sheets as a formula (CSV injection). `seed` refuses such text in
the fixtures, and every export neutralises it anyway, by the OWASP advice of
a leading apostrophe, in case a value arrives by another way.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralised(value):
    return f"'{value}" if starts_like_formula(value) else value


def neutralised_row(row):
    return {name: neutralised(value) for name, value in row.items()}
