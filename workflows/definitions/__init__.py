"""Workflow definitions of the platform: one module per workflow (or family), each registering its
classes with `@workflows.definition.register`. Every module here is imported at start-up."""
