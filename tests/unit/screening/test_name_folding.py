"""Name folding, skeletons, token similarity and country normalisation."""

from __future__ import annotations

import pytest

from ml.screening.countries import to_alpha3
from ml.screening.normalise import fold, fold_name, skeleton
from ml.screening.similarity import aligned_similarity, joined_similarity, name_similarity, token_similarity

pytestmark = pytest.mark.unit


def sim(a: str, b: str) -> float:
    return name_similarity(fold_name(a), fold_name(b))


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("KHOROSHEV, Dmitriy Yurevich", "khoroshev dmitriy yurevich"),
        ("Fathi Mohammed QAR'AWI", "fathi mohammed qarawi"),
        ("José Müller-Lüdenscheidt", "jose muller ludenscheidt"),
        ("Дмитрий Хорошев", "dmitriy khoroshev"),
        ("SMITH<<JOHN<PAUL", "smith john paul"),
    ],
)
def test_fold_transliterates_and_drops_case_diacritics_and_punctuation(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(("a", "b"), [("mohammed", "muhammad"), ("omar", "umar"), ("yusuf", "yousef"),
                                      ("karim", "qarim"), ("dmitry", "dmitriy")])
def test_transliteration_variants_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_different_names_keep_different_skeletons() -> None:
    assert skeleton("mohamed") != skeleton("mahmoud")


def test_tokens_beginning_with_different_sounds_are_compared_by_edits_not_jaro_winkler() -> None:
    assert token_similarity("ali", "wali", same_initial=False, same_skeleton=False) < 0.8
    assert token_similarity("damanik", "qasmani", same_initial=False, same_skeleton=False) < 0.8
    assert token_similarity("jon", "john", same_initial=True, same_skeleton=False) >= 0.9
    assert token_similarity("erik", "eric", same_initial=True, same_skeleton=True) >= 0.9


def test_the_arabic_ayn_is_kept_in_arabic_script_and_apostrophes_are_dropped_in_latin() -> None:
    assert fold("معین") != fold("أمين")  # Moein is not Amin: both write ayn or alef, not an apostrophe
    assert fold("عمر") == fold("عمر") == "3mr"
    assert fold("Qar'awi") == fold("Qar`awi") == "qarawi"
    assert name_similarity(fold_name("محمد معین"), fold_name("محمد أمين")) < 1.0


def test_name_order_does_not_matter() -> None:
    assert sim("KHOROSHEV, Dmitry Yuryevich", "Dmitry Yuryevich Khoroshev") == 1.0


def test_one_typo_and_a_transliteration_stay_close() -> None:
    assert sim("Dmitry Khoroshev", "Dmitry Kohroshev") > 0.9
    assert sim("Muhammad Yusuf Rahimi", "Mohammed Yousef Rahimi") > 0.9


def test_a_missing_middle_name_costs_less_than_a_missing_query_name() -> None:
    listed_longer = sim("Saddam Hussein", "SADDAM HUSSEIN TIKRITI")
    query_longer = sim("Saddam Hussein Tikriti", "SADDAM HUSSEIN")
    assert 0.8 < listed_longer < 1.0
    assert query_longer < listed_longer


def test_unrelated_names_score_low() -> None:
    assert sim("Jane Roe", "Eric Badege") < 0.5
    assert aligned_similarity(fold_name("Mohammed Ali"), fold_name("Mohammed Amin")) < 0.8


def test_compounds_written_as_one_or_two_words_match_but_missing_names_do_not_count_as_compounds() -> None:
    assert joined_similarity(fold_name("Abdulrahman Saleh"), fold_name("Abdul Rahman Saleh")) == 1.0
    assert joined_similarity(fold_name("Muhammad Damanik"), fold_name("Muhammad Arif Qasmani")) == 0.0


@pytest.mark.parametrize(
    ("value", "alpha3"),
    [("Iran (Islamic Republic of)", "IRN"), ("Democratic People's Republic of Korea", "PRK"),
     ("Democratic Republic of the Congo", "COD"), ("Congo", "COG"), ("Russian Federation", "RUS"),
     ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("Türkiye", "TUR"),
     ("State of Palestine", "PSE"), ("KP", "PRK"), ("irq", "IRQ"), ("D", "DEU"), ("GBD", "GBR")],
)
def test_country_names_and_codes_become_iso_alpha3(value: str, alpha3: str) -> None:
    assert to_alpha3(value) == alpha3


def test_unknown_countries_are_none_and_name_fields_do_not_read_codes() -> None:
    assert to_alpha3("former Soviet Union") is None
    assert to_alpha3("XYZ") is None
    assert to_alpha3("na", accept_codes=False) is None
    assert to_alpha3("NA") == "NAM"
