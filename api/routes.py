"""The registry of controllers the app serves. One line per controller; keep it sorted by owner.

The routes engineer appends product controllers (sessions, modules, verify, mobile, review,
uploads) below the platform's own; ``api.app.create_app`` mounts everything listed here.
"""

from __future__ import annotations

from typing import Any

from api.controllers.admin import AdminController
from api.controllers.admin_settings import AdminSettingsController
from api.controllers.audit import AuditController
from api.controllers.billing import BillingController
from api.controllers.client_sessions import ClientSessionController
from api.controllers.erasure import ErasureController
from api.controllers.ledger import LedgerProofController
from api.controllers.mobile import MobileController
from api.controllers.modules import ModuleController
from api.controllers.multipart import ClientMultipartCaptureController, MultipartCaptureController
from api.controllers.nats_credentials import NatsCredentialController
from api.controllers.operations import OperationsController
from api.controllers.operator import OperatorKeyController, OperatorPlanController, OperatorTenantController
from api.controllers.review import ReviewController
from api.controllers.review_evidence import ReviewEvidenceController
from api.controllers.session_search import AuditSessionListController
from api.controllers.sessions import SessionController
from api.controllers.verify import VerifyController
from api.controllers.webhooks import WebhookController
from api.web.registry import WEB_CONTROLLERS

ROUTE_HANDLERS: tuple[Any, ...] = (
    # platform (api_platform)
    OperationsController,
    OperatorTenantController,
    OperatorKeyController,
    OperatorPlanController,
    LedgerProofController,
    AdminController,
    AdminSettingsController,
    # product routes (routes engineer) go here
    SessionController,
    ClientSessionController,
    VerifyController,
    ModuleController,
    MobileController,
    ReviewController,
    ReviewEvidenceController,
    # HTTP surfaces: audit, erasure and retention, webhook management
    AuditController,
    ErasureController,
    WebhookController,
    MultipartCaptureController,
    ClientMultipartCaptureController,
    NatsCredentialController,  # a tenant's NATS credential (adapters/nats/ACCOUNTS.md)
    AuditSessionListController,  # the auditors' session search (GET /v1/sessions: SessionController)
    BillingController,  # the tenant's own usage and invoices (admin keys)
    *WEB_CONTROLLERS,  # web client: capture pages, evidence viewer, client-token live status
)
