"""The inventory back office (IN-1 … IN-8): catalog, stock ledger, sales, invoices, credit notes.

Services are async functions taking a session and keyword arguments; they flush but never
commit: the caller owns the transaction, and publishes availability events after committing
(see `domain.inventory.events`). A refused call raises an `DomainError` before writing.
"""
