DROP TABLE rate_limits;
DROP TABLE sessions;
