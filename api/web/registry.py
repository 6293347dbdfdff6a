"""The web client's controllers, appended to ``api.routes.ROUTE_HANDLERS`` in one line."""

from __future__ import annotations

from typing import Any

from api.web.capture_api import CaptureWebController
from api.web.checkpoint_key import CheckpointKeyController
from api.web.console.admin import ConsoleAdminController
from api.web.console.audit import ConsoleAuditController
from api.web.console.controller import ConsoleController
from api.web.console.review import ConsoleReviewController
from api.web.controller import WebPageController

WEB_CONTROLLERS: tuple[Any, ...] = (WebPageController, CaptureWebController, CheckpointKeyController,
                                     ConsoleController, ConsoleReviewController, ConsoleAuditController,
                                     ConsoleAdminController)
