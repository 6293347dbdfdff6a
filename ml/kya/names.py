"""Coherence of the declared name with the name on the document (requirements/platform §3.6 "name coherence").

Both names are transliterated and folded (anyascii), compared token by token without regard to order
("SMITH<<JOHN" = "John Smith"), with the same Jaro-Winkler token pairing as screening. An applicant often
declares fewer names than the document prints (no middle name): when at least two declared tokens
pair with document tokens, the score is how well the declared tokens are covered, a declared name the
document lacks costing half its weight (a second family name, a married name); otherwise it is the
symmetric (Dice) alignment score, where every unpaired token on either side counts in full, so a lone
"John" never covers "John Smith".
"""

from __future__ import annotations

from domain.ports.kya import KyaSignal, KyaSignalName, SignalStatus
from ml.screening.normalise import fold_name
from ml.screening.similarity import paired_tokens

PASS_AT = 0.90
EXTRA_DECLARED_WEIGHT = 0.5
WARN_AT = 0.75


def name_coherence_score(declared: str, document: str) -> float:
    declared_name, document_name = fold_name(declared), fold_name(document)
    if not declared_name.tokens or not document_name.tokens:
        return 0.0
    pairs = paired_tokens(declared_name, document_name)
    if len(pairs) >= 2:
        covered = sum(sim * declared_name.weights[i] for sim, i, _ in pairs)
        paired = {i for _, i, _ in pairs}
        extra = sum(w for i, w in enumerate(declared_name.weights) if i not in paired)
        return covered / (sum(declared_name.weights) - extra * (1 - EXTRA_DECLARED_WEIGHT))
    matched = sum(sim * (declared_name.weights[i] + document_name.weights[j]) for sim, i, j in pairs)
    return matched / (sum(declared_name.weights) + sum(document_name.weights))


def check_name_coherence(declared: str, document: str) -> KyaSignal:
    score = round(name_coherence_score(declared, document), 4)
    if score >= PASS_AT:
        return KyaSignal(KyaSignalName.NAME_COHERENCE, SignalStatus.PASS, "names_coherent", score)
    if score >= WARN_AT:
        return KyaSignal(KyaSignalName.NAME_COHERENCE, SignalStatus.WARN, "names_partly_coherent", score)
    return KyaSignal(KyaSignalName.NAME_COHERENCE, SignalStatus.FAIL, "names_incoherent", score)
