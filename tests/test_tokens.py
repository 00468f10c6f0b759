"""Tokenisation: the terms BM25 sees."""

from __future__ import annotations

import pytest

from index.tokens import tokenize


@pytest.mark.parametrize("a, b", [
    ("1,400 users", "1400 users"),
    ("NSO's spyware", "NSO spyware"),
    ("NSO\u2019s spyware", "nso spyware"),
    ("Act\u20132000", "Act-2000"),
    ("targeted journalists", "targeting journalist"),
])
def test_forms_that_must_match(a: str, b: str) -> None:
    assert tokenize(a) == tokenize(b)


def test_numbers_kept_whole() -> None:
    assert "121" in tokenize("121 Indian journalists")
    assert "3.5" in tokenize("grew 3.5 per cent")
    assert tokenize("1,400") == ["1400"]


def test_hyphenated_words_indexed_whole_and_split() -> None:
    assert tokenize("a 31-member committee")[:3] == ["31-member", "31", "member"]
    terms = tokenize("phone-tapping under the Act-2000")
    assert {"phone-tapping", "phone", "tap", "act-2000", "act", "2000"} <= set(terms)


def test_stop_words_and_case() -> None:
    assert tokenize("Who did THE Minister say it was?") == ["minist", "say"]
    assert tokenize("") == []
    assert tokenize("?!... \u2014") == []


def test_unicode_is_normalised() -> None:
    assert tokenize("\uff37\uff48\uff41\uff54\uff53\uff21\uff50\uff50") == ["whatsapp"]  # full-width


def test_irregular_forms_add_their_base() -> None:
    assert tokenize("She took the children") == ["took", "take", "children", "child"]
    assert tokenize("He paid") == ["paid", "pay"] and tokenize("they pay") == ["pay"]


def test_irregular_forms_file_is_the_models_table() -> None:
    # index/data/irregular_forms.json is written by `python -m index.tokens` from the pinned
    # model's lemmatizer; it must be what that model has today.
    from index.tokens import _irregular_forms, read_model_forms

    assert _irregular_forms() == read_model_forms()
