"""The curated search vocabulary: every term names a known disease and the
page it was read on."""

from pathlib import Path

import pytest
import yaml

from catalog.search.normalise import cjk_text, has_cjk
from catalog.search.vocabulary import load_vocabulary

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FILES = sorted((FIXTURES / "search").glob("*.yaml"))
DISEASES = {d["slug"] for d in yaml.safe_load((FIXTURES / "diseases.yaml").read_text())}
LANGUAGES = {"ja", "zh-hans", "zh-hant", "ko", "es", "fr", "de", "it", "pt", "en"}


def test_there_is_a_file_for_each_language():
    assert {load_vocabulary(path)[0]["language"] for path in FILES} == LANGUAGES


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_term_names_a_disease_and_its_source(path):
    for term in load_vocabulary(path):
        assert term["disease"] in DISEASES, term
        assert term["term"].strip() == term["term"] and term["term"], term
        source = term["source"]
        assert source["url"].startswith(("http://", "https://")), term
        assert source["kind"] in {"regulator", "label", "sponsor", "other"}, term
        assert str(source["read"]) == "2026-12-03", term


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_term_is_listed_twice(path):
    keys = [(t["disease"], t["term"]) for t in load_vocabulary(path)]
    assert len(keys) == len(set(keys))


def test_cjk_names_match_with_or_without_spaces():
    assert cjk_text("다발 골수종") == cjk_text("다발골수종")
    assert has_cjk("白血病") and not has_cjk("leukemia")
