"""The data's licence (CC BY 4.0; the code is MIT) and how to cite a version.

Every page, file and response that says so reads it from here.
"""

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
LEGAL_CODE = "https://creativecommons.org/licenses/by/4.0/legalcode"
TITLE = "CellTx: authorised cell therapy products and their regulatory decisions"


def citation(version, downloads_url: str) -> str:
    """One line naming the dataset version (its digest and load date)."""
    if version is None:
        named = "no dataset loaded yet"
    else:
        loaded = version.seeded_at
        named = (
            f"dataset version {version.short_digest} "
            f"(loaded {loaded.day} {loaded:%B %Y})"
        )
    return f"CellTx. {TITLE}, {named}. {downloads_url}. Licensed under CC BY 4.0."


def link_header(describedby: str = "") -> str:
    """An HTTP Link header naming the licence (RFC 8288, rel="license")."""
    links = [f'<{LICENCE["path"]}>; rel="license"']
    if describedby:
        links.append(f'<{describedby}>; rel="describedby"')
    return ", ".join(links)
