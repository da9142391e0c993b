"""Orders after payment: status changes, history, numbers, invoices, refunds, stock."""
