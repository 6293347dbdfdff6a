"""``kycledger ml screen`` and ``kycledger ml kya``: offline screening and KYA, printing JSON.

``screen`` prints every candidate at or above the near-hit score with its list, entry id, the list's
own spelling of the matched name, the score and the agreement of birth date and nationality, plus the
``CheckResult`` the policy would record. ``kya`` prints each signal and the ``CheckResult``. MX lookups
run only with ``--mx`` (a 2 s DNS budget), so the command stays offline by default.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from domain.checks import CheckResult
from domain.errors import DomainError
from domain.ports.kya import KyaRequest, kya_check_result
from domain.ports.screening import ScreeningQuery, ScreeningQueryError, ScreeningResult, screening_check_result
from domain.screening_rules import ScreeningThresholds

DEFAULT_LISTS = Path("../shared/data/sanctions")


def register(ml_sub: Any) -> None:
    screen = ml_sub.add_parser("screen", help="screen a name against sanctions/PEP lists (JSON)")
    screen.add_argument("name", help="the full name to screen")
    screen.add_argument("--dob", help="date of birth, YYYY-MM-DD or YYYY")
    screen.add_argument("--nationality", help="ISO 3166 alpha-2/alpha-3 or ICAO code")
    screen.add_argument("--lists", default=str(DEFAULT_LISTS), help="folder with OFAC/UN/CSL list files")
    screen.add_argument("--hit", type=float, help="name-score threshold for a hit (default: policy default)")
    screen.add_argument("--near", type=float, help="name-score threshold for a near-hit")
    screen.set_defaults(func=_screen)

    kya = ml_sub.add_parser("kya", help="KYA basic-profile checks (JSON)")
    kya.add_argument("--phone")
    kya.add_argument("--email")
    kya.add_argument("--declared-name")
    kya.add_argument("--document-name")
    kya.add_argument("--country", help="ISO 3166 alpha-2 or alpha-3")
    kya.add_argument("--ip")
    kya.add_argument("--mx", action="store_true", help="look up the email domain's MX (needs DNS)")
    kya.set_defaults(func=_kya)


def parse_birth(value: str | None) -> tuple[date | None, int | None]:
    """``YYYY-MM-DD`` -> (date, None); ``YYYY`` -> (None, year); else a ``ScreeningQueryError``."""
    if not value:
        return None, None
    try:
        if len(value) == 4 and value.isdigit():
            return None, int(value)
        return date.fromisoformat(value), None
    except ValueError as exc:
        raise ScreeningQueryError("date of birth must be YYYY-MM-DD or YYYY", value_length=len(value)) from exc


def build_query(name: str, dob: str | None, nationality: str | None) -> ScreeningQuery:
    from ml.screening.countries import to_alpha3

    birth_date, birth_year = parse_birth(dob)
    alpha3 = None
    if nationality:
        alpha3 = to_alpha3(nationality)
        if alpha3 is None:
            raise ScreeningQueryError("unknown nationality code or name")
    return ScreeningQuery(name, date_of_birth=birth_date, birth_year=birth_year, nationality=alpha3)


def screening_json(result: ScreeningResult) -> dict[str, Any]:
    return {
        "outcome": result.outcome.value,
        "hits": [
            {
                "list": h.list_name,
                "entry_id": h.entry_id,
                "entity_kind": h.entity_kind.value,
                "matched_name": h.matched_name.text,
                "matched_name_kind": h.matched_name.kind.value,
                "matched_name_quality": h.matched_name.quality,
                "name_score": h.name_score,
                "birth_date": h.birth_date.value,
                "nationality": h.nationality.value,
                "level": h.level.value,
            }
            for h in result.hits
        ],
        "candidates_scored": result.candidates_scored,
        "lists": asdict(result.lists),
        "check_result": check_json(screening_check_result(result)),
    }


def check_json(check: CheckResult) -> dict[str, Any]:
    data = asdict(check)
    data["check"] = check.check.value
    data["outcome"] = check.outcome.value
    return data


def _screen(args: argparse.Namespace) -> int:
    from ml.screening.screener import RapidfuzzSanctionsScreener

    try:
        query = build_query(args.name, args.dob, args.nationality)
        defaults = ScreeningThresholds()
        thresholds = ScreeningThresholds(hit=args.hit or defaults.hit, near=args.near or defaults.near)
        screener = RapidfuzzSanctionsScreener.for_folder(Path(args.lists), thresholds)
        print(json.dumps(screening_json(screener.screen(query)), indent=2, ensure_ascii=False))
    except DomainError as error:
        return _error(error)
    return 0


def _kya(args: argparse.Namespace) -> int:
    from ml.kya.checker import OfflineKyaChecker
    from ml.kya.email_address import DnsPythonMxResolver

    try:
        request = KyaRequest(phone=args.phone, email=args.email, declared_name=args.declared_name,
                             document_name=args.document_name, country=args.country, ip=args.ip)
        report = OfflineKyaChecker(DnsPythonMxResolver() if args.mx else None).check(request)
    except DomainError as error:
        return _error(error)
    signals = [{"name": s.name.value, "status": s.status.value, "reason": s.reason, "score": s.score}
               for s in report.signals]
    print(json.dumps({"signals": signals, "check_result": check_json(kya_check_result(report))}, indent=2))
    return 0


def _error(error: DomainError) -> int:
    print(json.dumps({"error": {"code": error.code, "message": error.message, "details": error.details}}))
    return 2
