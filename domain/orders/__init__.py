"""Amazon orders into sales: download, pending orders, processing, payments, logs."""
