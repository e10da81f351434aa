"""The audit log of cross-system processes: one row per audited step of a workflow (seeds 003 §4.2:
"AuditLog entry" — recordAuditLog steps), in the public schema with its tenant."""
