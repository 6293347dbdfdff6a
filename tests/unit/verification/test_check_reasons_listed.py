"""Every reason code a check can record is listed, with its meaning, in ``domain.check_reasons``, and
nothing is listed that no check records (requirements/platform §15 "Enums").

The codes are read from the source of the checks (ml/, domain/, services/verification/): the
``reasons=`` tuples, the codes appended to ``reasons``/``fails``, ``capture_failure``'s reason, the
failed KYA signals, the forensic signals, the liveness challenge's refusals, data_validation's failed
rules, and the codes of the errors recorded as a reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from domain.check_reasons import CHECK_REASON_FAMILIES, CHECK_REASONS, is_check_reason
from domain.documents.validation import DOCUMENT_EXPIRED
from domain.liveness_challenge import LivenessAction
from domain.ports.document import Guidance
from domain.ports.face import FaceNotFoundError, InvalidImageError, MatchStrength
from domain.ports.face_quality import FaceQualityIssue
from ml.document.errors import ImageUnreadableError

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [p for d in ("ml", "domain", "services/verification") for p in (ROOT / d).rglob("*.py")]


# The f-strings that build a code, expanded over the values they format (an unknown one stays as its
# shape, ``prefix{}suffix``, and fails the listing): a face match below its threshold names the match's
# strength, a liveness rule the challenge's action, and ``read_hint:`` is a family.
_FORMATTED = {("similarity_below_threshold_", ""): [s.value for s in MatchStrength if s is not MatchStrength.STRONG],
              ("", "_not_seen"): [a.value for a in LivenessAction], ("read_hint:", ""): []}


def _formatted(node: ast.JoinedStr) -> set[str]:
    parts = [v.value if isinstance(v, ast.Constant) else None for v in node.values]
    prefix = "".join(str(p) for p in parts[:parts.index(None)]) if None in parts else ""
    suffix = "".join(str(p) for p in parts[parts.index(None) + 1:]) if None in parts else ""
    shape = (prefix, suffix)
    return {f"{prefix}{v}{suffix}" for v in _FORMATTED[shape]} if shape in _FORMATTED else {f"{prefix}{{}}{suffix}"}


def _strings(node: ast.AST) -> set[str]:
    """The string literals of ``node`` that are values (not a key read from a record), f-strings expanded."""
    skipped = {id(n) for s in ast.walk(node) if isinstance(s, ast.Subscript) for n in ast.walk(s.slice)}
    skipped |= {id(n) for j in ast.walk(node) if isinstance(j, ast.JoinedStr) for n in ast.walk(j)}
    found = {n.value for n in ast.walk(node)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skipped}
    return found | {s for j in ast.walk(node) if isinstance(j, ast.JoinedStr) for s in _formatted(j)}


def _produced(expr: ast.expr) -> set[str]:
    """The strings an expression can evaluate to: a ``{key: code}.get(key, default)`` gives a value or the default."""
    if isinstance(expr, ast.Call) and _name(expr.func) == "get" and isinstance(expr.func, ast.Attribute) \
            and isinstance(expr.func.value, ast.Dict):
        return {s for v in (*expr.func.value.values, *expr.args[1:]) for s in _strings(v)}
    return _strings(expr)


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _appended_to(call: ast.Call) -> str:
    return getattr(call.func.value, "id", "") if isinstance(call.func, ast.Attribute) else ""


def _first_element(call: ast.Call) -> set[str]:
    """``fails.append((code, confidence, hint))``: the code."""
    return _strings(call.args[0].elts[0]) if call.args and isinstance(call.args[0], ast.Tuple) else set()


def _codes_in(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(codes recorded as they are, data_validation rules failing as ``<rule>:<detail>``)."""
    codes: set[str] = set()
    rules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "reasons":
            codes |= _strings(node.value)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) \
                and any(getattr(t, "id", "") == "reasons" for t in node.targets):
            codes |= _strings(node.value)
        if isinstance(node, ast.FunctionDef) and node.name == "admission_failure":
            codes |= {s for r in ast.walk(node) if isinstance(r, ast.Return) and r.value for s in _strings(r.value)}
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name == "append" and _appended_to(node) == "reasons":
            codes |= _produced(node.args[0])
        elif name == "append" and _appended_to(node) == "fails":
            codes |= _first_element(node)
        elif name in ("capture_failure", "AddressProofAssessment") and len(node.args) > 1:  # (check|outcome, code)
            codes |= _strings(node.args[1])
        elif name == "ForensicSignal":
            codes |= _strings(node.args[0])
        elif name == "KyaSignal" and len(node.args) > 2 and _name(node.args[1]) in ("FAIL", "WARN"):
            codes |= _strings(node.args[2])
        elif name == "_fail" and getattr(node.args[1], "id", "") == "DOCUMENT_EXPIRED":
            codes.add(DOCUMENT_EXPIRED)  # recorded bare (domain/documents/validation.py failure_codes)
        elif name in ("_fail", "_agreement"):  # _agreement fails its rule, named by the caller
            rules |= _strings(node.args[0])
    return codes, rules


def _age_reasons() -> set[str]:
    """The age check records the ``min_age`` rule's reason as it is (services/verification/results.py)."""
    text = (ROOT / "domain/documents/validation.py").read_text()
    return {m for line in text.splitlines() if "min_age" in line
            for m in re.findall(r'_(?:na|fail)\([^,]+, "([a-z_]+)"\)', line)}


def _recorded() -> tuple[set[str], set[str]]:
    codes: set[str] = set()
    rules: set[str] = set()
    for path in SOURCES:
        found, failing = _codes_in(ast.parse(path.read_text()))
        codes |= found
        rules |= failing
    codes |= {str(g) for g in Guidance} | {str(i) for i in FaceQualityIssue} | _age_reasons()
    codes |= {e.code for e in (FaceNotFoundError, InvalidImageError, ImageUnreadableError)}  # recorded as exc.code
    return codes, rules


def test_every_code_a_check_records_is_listed_and_nothing_else() -> None:
    codes, _ = _recorded()
    assert {"sanctions_hit", "passive_spoof_signals", "blink_not_seen", "nonce_reused", "screen_moire",
            "phone_country_differs", "document_date_too_old", "no_birth_date", "face_not_found"} <= codes
    assert codes - set(CHECK_REASONS) == set()
    assert set(CHECK_REASONS) - codes == set()
    assert all(CHECK_REASONS.values())


def test_every_failing_validation_rule_is_a_documented_family() -> None:
    _, rules = _recorded()
    assert {"mrz_checksum", "mrz_vs_printed", "min_age"} <= rules
    assert rules | {"read_hint"} == set(CHECK_REASON_FAMILIES)


@pytest.mark.parametrize(("code", "listed"), [
    ("similarity_below_threshold_none", True), ("mrz_checksum:check_digit_mismatch:birth_date", True),
    ("read_hint:rotate_document", True), ("document_expired", True),
    ("banana", False), ("read_hint:", False), ("not_expired:document_expired", False), ("MRZ_FORMAT:x", False)])
def test_a_code_is_listed_or_of_a_family(code: str, listed: bool) -> None:
    assert is_check_reason(code) is listed
