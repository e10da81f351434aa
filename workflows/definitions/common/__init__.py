"""What the order and payment workflows share: timings, order snapshots, notifications, ERPNext
and Fleetbase helpers, and the audit step. Imported with the definitions; registers nothing."""
