"""Typed failures of Amazon calls, each carrying Amazon's code, message and request id."""

from __future__ import annotations


class AmazonError(Exception):
    """Any failure talking to Amazon."""


class SpApiError(AmazonError):
    """Amazon answered with an error body `{"errors": [...]}`."""

    def __init__(
        self,
        *,
        operation: str,
        status: int,
        code: str,
        message: str,
        request_id: str | None,
        details: str | None = None,
    ) -> None:
        super().__init__(f"{operation}: HTTP {status} {code}: {message} (request id {request_id})")
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.details = details


class ThrottledError(SpApiError):
    """Amazon kept answering 429 QuotaExceeded after every retry."""


class ServerError(SpApiError):
    """Amazon kept answering 5xx after every retry."""


class AmazonUnavailableError(AmazonError):
    """Amazon could not be reached (timeouts or connection errors) after every retry."""


class ReauthoriseStoreError(AmazonError):
    """The store's authorisation no longer works: the seller must re-authorise this store."""

    def __init__(self, store_id: str, reason: str) -> None:
        super().__init__(f"re-authorise this store ({store_id}): {reason}")
        self.store_id = store_id
        self.reason = reason


class MissingRoleError(AmazonError):
    """Amazon refused an operation the store's SP-API application has no role for.

    The authorisation itself works (Login with Amazon gave a fresh token): re-authorising
    changes nothing until the role is added to the application.
    """

    def __init__(self, store_id: str, operation: str, role: str, detail: str) -> None:
        super().__init__(
            f"Amazon refused {operation} because the store's SP-API application lacks the "
            f"{role!r} role. Add the role to the application in Seller Central (Apps and "
            "Services > Develop Apps > Edit App; a restricted role is first requested in the "
            "developer profile), then authorise the application again and update the store's "
            f"refresh token ({detail})"
        )
        self.store_id = store_id
        self.operation = operation
        self.role = role
        self.detail = detail


class MalformedPayloadError(AmazonError):
    """Amazon's answer does not have the shape its model promises; `subject` names what."""

    def __init__(self, subject: str, problem: str) -> None:
        super().__init__(f"malformed payload for {subject}: {problem}")
        self.subject = subject
        self.problem = problem
