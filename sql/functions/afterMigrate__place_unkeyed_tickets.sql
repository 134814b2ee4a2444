-- Flyway runs this after every migrate: tickets stored before geom resolution existed (or
-- written by hand since) get their place key and their place. A no-op when all have one.
SELECT tickets.place_unkeyed_tickets();
