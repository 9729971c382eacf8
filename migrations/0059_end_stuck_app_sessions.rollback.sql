DROP FUNCTION ops.end_stuck_app_sessions(interval, interval);
