"""Fleetbase: delivery orders, dispatch, drivers and tracking — real client and sandbox."""
