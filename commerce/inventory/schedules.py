"""Beat jobs of inventory."""
SCHEDULES = {
    "commerce-release-expired-reservations": {
        "task": "commerce.release_expired_reservations",
        "schedule": 60.0,
        "per_tenant": True,
    },
}
