"""Bookable slots and the customers' reservations of them (seeds 000: the bookings module).

A `Booking` is a slot a provider offers — a practitioner's appointment, a class, a session — at
a time, for a duration and a capacity, at a price. It is sold through the normal checkout: each
booking has a product of kind `booking` whose single variant's stock is the capacity, so the
checkout's row-locked stock holds are what stop a slot from being overbooked. Buying it creates
a `Reservation` per order line (status pending → confirmed → checked_in → completed, or no_show /
cancelled); a no-show or a cancellation gives the seats back to the slot.
"""
