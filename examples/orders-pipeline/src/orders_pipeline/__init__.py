"""Orders pipeline: raw orders in, daily revenue per customer out."""
